"""A minimal Flet hello-world served as a web app, for bench_startup's comparison."""

import os
import sys

import flet as ft

os.environ["FLET_FORCE_WEB_SERVER"] = "1"


def main(page: ft.Page):
    page.add(ft.Text("Hello, world!"))


ft.run(main, view=ft.AppView.WEB_BROWSER, host="127.0.0.1", port=int(sys.argv[1]), no_cdn=True)
