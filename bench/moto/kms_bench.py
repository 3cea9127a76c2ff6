"""moto + boto3 in-process: KMS Encrypt+Decrypt pairs per second (the comparison for
bench/benches/kms.rs). Prints one BENCH_JSON line like the Rust benchmarks."""

import json
import os
import sys
import time

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

PLAINTEXT = b"the quick brown fox jumps over the lazy dog 0123456789abcdef"


def main() -> None:
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    with mock_aws():
        kms = boto3.client("kms", region_name="us-east-1")
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        for _ in range(20):  # warm up
            kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key, Plaintext=PLAINTEXT)["CiphertextBlob"])
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < budget:
            blob = kms.encrypt(KeyId=key, Plaintext=PLAINTEXT)["CiphertextBlob"]
            assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == PLAINTEXT
            n += 1
        elapsed = time.perf_counter() - start
    rate = n / elapsed
    print(f"moto_encrypt_decrypt_pairs_per_sec: {rate:.1f} pairs/s")
    print("BENCH_JSON " + json.dumps({"name": "moto_encrypt_decrypt_pairs_per_sec", "value": rate, "unit": "pairs/s"}))


if __name__ == "__main__":
    main()
