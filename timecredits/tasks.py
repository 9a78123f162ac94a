"""Background work for time credits: receipts are emailed after the transfer commits."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import Transfer


# ignore_result: nobody waits for a receipt's result, and with the Redis result backend every
# enqueue of a task that keeps its result also (un)subscribes to its result channel, two more
# round trips to Redis after each transfer.
@shared_task(name="timecredits.tasks.send_transfer_receipts", ignore_result=True)
def send_transfer_receipts(transfer_id: str) -> int:
    transfer = Transfer.objects.select_related("recorded_by", "organisation").get(pk=transfer_id)
    return services.transfer_send_receipts(transfer=transfer)
