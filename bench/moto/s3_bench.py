"""The moto + boto3 side of bench/s3: Put+Get pairs of 1 KiB objects per second against
moto's in-process S3 mock, and presigned URLs per second from botocore. Prints one JSON
line per figure (BENCH_JSON {...}), like the Rust benchmarks."""

import json
import time

import boto3
from moto import mock_aws


def report(name, value, unit):
    print(f"{name}: {value:.1f} {unit}")
    print("BENCH_JSON " + json.dumps({"name": name, "value": value, "unit": unit}))


def timed(budget, f):
    for _ in range(5):
        f()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < budget:
        f()
        n += 1
    return n / (time.perf_counter() - start)


with mock_aws():
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                      aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    s3.create_bucket(Bucket="bench-bucket")
    body = b"x" * 1024

    def pair():
        s3.put_object(Bucket="bench-bucket", Key="obj", Body=body)
        s3.get_object(Bucket="bench-bucket", Key="obj")["Body"].read()

    report("moto_put_get_1kib_pairs_per_sec", timed(5.0, pair), "pairs/s")

# Presigning is client-side in botocore: no mock needed.
client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                      aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


def presign():
    client.generate_presigned_url("get_object", Params={"Bucket": "examplebucket", "Key": "test.txt"}, ExpiresIn=3600)


report("botocore_presigned_urls_per_sec", timed(3.0, presign), "urls/s")
