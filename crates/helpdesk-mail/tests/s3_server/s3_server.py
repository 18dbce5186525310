"""An S3-compatible server for the attachment tests: moto's, on a free
port of 127.0.0.1, with the bucket the tests use.

Prints `port N` once it takes requests, and stops when its standard input
closes (when the test process that started it ends, however it ends).
"""

import logging
import sys

import boto3
from moto.server import ThreadedMotoServer

BUCKET = sys.argv[1]

# One line a request would fill the test's log.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
server.start()
port = server.get_host_and_port()[1]
boto3.client(
    "s3",
    endpoint_url=f"http://127.0.0.1:{port}",
    aws_access_key_id="helpdesk",
    aws_secret_access_key="helpdesk",
    region_name="us-east-1",
).create_bucket(Bucket=BUCKET)
print(f"port {port}", flush=True)
sys.stdin.read()
server.stop()
