"""The device-facing HTTP API: xAPI statements under /xapi/ and enrolment under /api/.

`deps` holds the FastAPI dependencies every route shares (xAPI version, device credentials,
content type, body limits, back-pressure); `xapi` and `devices` hold the routers.
"""
