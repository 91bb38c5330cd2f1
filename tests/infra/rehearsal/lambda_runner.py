"""The processing Lambda's stand-in: its handler, its environment, its SQS event source.

``python -m tests.infra.rehearsal.lambda_runner QUEUE_URL BATCH_SIZE`` polls the queue the way
the event source mapping does (batch size from the template, ``ReportBatchItemFailures``: only
the failed messages come back), and hands each batch to ``lambda_handler.handler`` in this one
warm process, as a warm Lambda container would. The rehearsal starts it with the function's
environment from the template.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import boto3


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source hands to the function."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": m["Attributes"].get("ApproximateReceiveCount", "1")
                },
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
            }
            for m in messages
        ]
    }


def main(queue_url: str, batch_size: int) -> None:
    from rdrive_app.entrypoints.lambda_handler import handler

    sqs = boto3.client("sqs")
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    while True:
        answer = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=batch_size,
            WaitTimeSeconds=1,
            AttributeNames=["ApproximateReceiveCount"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            continue
        started = time.monotonic()
        result = handler(sqs_event(messages, arn))
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        for m in messages:
            if m["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
        print(f"batch of {len(messages)} in {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
