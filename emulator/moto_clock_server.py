"""moto's server mode with a clock that Conveyor's tests can move.

moto reads the time through ``moto.core.utils.utcnow`` (SQS visibility
timeouts and delays, DynamoDB, EventBridge Scheduler). The contract suite jumps
its clock ahead by hours, so this launcher swaps that function for one that
adds an offset, and can freeze it, exactly like the suite's TestClock:

    now = (frozen_at or real now) + offset

``POST /__conveyor/clock`` with ``{"offsetMs": n, "frozenAtMs": m | null}`` sets it;
everything else is moto's own server, except that DynamoDB requests are served
one at a time (see ``_with_clock_endpoint``) and four gaps are closed
(``_install_fixes``, ``_keep_streams_through_cancelled_transactions``).

Usage: python moto_clock_server.py [--host 127.0.0.1] [--port 5000] [--parent-pid PID]
"""

import argparse
import datetime
import functools
import json
import os
import sys
import threading
import time

import moto.core.utils as core_utils

_lock = threading.Lock()
_clock = {"offset_ms": 0.0, "frozen_at_ms": None}
_real_utcnow = core_utils.utcnow


def _now_ms() -> float:
    with _lock:
        base = _clock["frozen_at_ms"] if _clock["frozen_at_ms"] is not None else time.time() * 1000
        return base + _clock["offset_ms"]


def utcnow() -> datetime.datetime:
    return datetime.datetime.fromtimestamp(_now_ms() / 1000, datetime.timezone.utc).replace(tzinfo=None)


def _install_clock() -> None:
    # Modules that did `from moto.core.utils import utcnow` hold their own reference: load the
    # services Conveyor uses now, then repoint every reference to the original.
    import moto.cloudformation.models  # noqa: F401
    import moto.dynamodb.models  # noqa: F401
    import moto.dynamodbstreams.models  # noqa: F401
    import moto.events.models  # noqa: F401
    import moto.scheduler.models  # noqa: F401
    import moto.sqs.models  # noqa: F401

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "utcnow", None) is _real_utcnow:
            setattr(module, "utcnow", utcnow)


def _install_fixes() -> None:
    """Three places where moto differs from AWS in ways the tests would trip over."""
    import jsonpath_ng.ext
    import moto.sqs.models

    # EventBridge delivery parses the same JSONPath templates for every event (~0.25 s each); cache them.
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=512)(jsonpath_ng.ext.parse)

    # SQS makes a message visible again *at* its visibility deadline (a visibility timeout of 0 means
    # visible now); moto only after it, so under a frozen clock a message nacked with delay 0 never returned.
    moto.sqs.models.Message.visible = property(lambda self: core_utils.unix_time_millis() >= self.visible_at)

    # A FIFO group whose messages all came back (their visibility ended) is free again, and SQS hands
    # them out oldest first; moto frees them one by one while it walks the queue, so it skips every
    # message of the group but the last and hands out the newest first (seen when a Lambda consumer
    # fails a batch of one key). Free them all before the walk.
    original_receive = moto.sqs.models.SQSBackend.receive_message

    def receive_message(self, queue_name, *args, **kwargs):  # type: ignore[no-untyped-def]
        queue = self.get_queue(queue_name)
        for message in [message for message in queue.pending_messages if message.visible]:
            queue.pending_messages.remove(message)
        return original_receive(self, queue_name, *args, **kwargs)

    moto.sqs.models.SQSBackend.receive_message = receive_message


def _keep_streams_through_cancelled_transactions() -> None:
    """moto applies a transaction's writes one by one (each adds a stream record) and, when one
    fails, puts back a deep copy of every table taken before. The copy has a stream shard of its
    own, so readers' shard iterators stay on the old shard: they see records of writes that never
    happened and none of the writes after. DynamoDB's stream has no record of a cancelled
    transaction: keep the shard readers hold, without the cancelled transaction's records."""
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):  # type: ignore[no-untyped-def]
        shards = {name: (table, table.stream_shard, len(table.stream_shard.items)) for name, table in self.tables.items() if table.stream_shard is not None}
        try:
            return original(self, transact_items)
        except Exception:
            for name, (table, shard, length) in shards.items():
                restored = self.tables.get(name)
                if restored is not None and restored is not table:
                    del shard.items[length:]
                    shard.table = restored
                    restored.stream_shard = shard
            raise

    DynamoDBBackend.transact_write_items = transact_write_items


_dynamodb_lock = threading.Lock()


def _with_clock_endpoint(app):
    def wrapped(environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            # moto's TransactWriteItems is not thread-safe: a cancelled transaction restores a
            # copy of the whole table, wiping what other requests committed meanwhile. DynamoDB
            # requests therefore run one at a time here (the others stay concurrent).
            with _dynamodb_lock:
                return list(app(environ, start_response))
        if environ.get("PATH_INFO") != "/__conveyor/clock":
            return app(environ, start_response)
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            with _lock:
                _clock["offset_ms"] = float(body.get("offsetMs", 0))
                frozen = body.get("frozenAtMs")
                _clock["frozen_at_ms"] = None if frozen is None else float(frozen)
        payload = json.dumps({"nowMs": _now_ms()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    return wrapped


def _stop_with_parent(parent_pid: int) -> None:
    """Exits when the process that started this server is gone. The server runs in its own process
    group, so that a Ctrl-C in the terminal reaches only its parent, which then stops it in its own
    time (after in-flight requests); this keeps it from outliving a parent that was killed outright."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--parent-pid", type=int, help="exit when this process (the one that started the server) is gone")
    args = parser.parse_args()
    if args.parent_pid is not None:
        _stop_with_parent(args.parent_pid)

    _install_clock()
    _install_fixes()
    _keep_streams_through_cancelled_transactions()

    from werkzeug.serving import run_simple
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, _with_clock_endpoint(app), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
