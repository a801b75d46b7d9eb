"""moto's server mode with a clock that Conveyor's tests can move.

moto reads the time through ``moto.core.utils.utcnow`` (SQS visibility
timeouts and delays, DynamoDB, EventBridge Scheduler). The contract suite jumps
its clock ahead by hours, so this launcher swaps that function for one that
adds an offset, and can freeze it, exactly like the suite's TestClock:

    now = (frozen_at or real now) + offset

``POST /__conveyor/clock`` with ``{"offsetMs": n, "frozenAtMs": m | null}`` sets it;
everything else is moto's own server, except that DynamoDB requests are served
one at a time (see ``_with_clock_endpoint``), three gaps are closed
(``_install_fixes``), and two costs that grew with the data are removed: sends
no longer count the queue (``_sends_without_queue_counts``), transactions
check their conditions first and copy only the items they write
(``_transactions_without_table_copies``).

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


def _sends_without_queue_counts() -> None:
    """moto's SendMessage reads a queue's ContentBasedDeduplication through the queue's whole
    attribute map, which counts every message in the queue (visible, delayed, in flight) with a
    clock read per message: each send cost as much as the queue held, and EventBridge's deliveries
    into five queues slowed from 0.8 s to 5.4 s per 100 events over six rounds. While a send runs,
    the map a queue answers holds just that setting."""
    import moto.sqs.models

    queue_class = moto.sqs.models.Queue
    backend_class = moto.sqs.models.SQSBackend
    full_attributes = queue_class.attributes
    sending = threading.local()

    def attributes(self):  # type: ignore[no-untyped-def]
        if getattr(sending, "depth", 0) > 0:
            return {"ContentBasedDeduplication": str(bool(getattr(self, "content_based_deduplication", False))).lower()}
        return full_attributes.fget(self)

    def while_sending(send):  # type: ignore[no-untyped-def]
        @functools.wraps(send)
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            sending.depth = getattr(sending, "depth", 0) + 1
            try:
                return send(*args, **kwargs)
            finally:
                sending.depth -= 1

        return wrapped

    queue_class.attributes = property(attributes)
    backend_class.send_message = while_sending(backend_class.send_message)
    backend_class.send_message_batch = while_sending(backend_class.send_message_batch)


def _transactions_without_table_copies() -> None:
    """moto backs up every table a transaction writes to with a deep copy before applying it, so each
    transaction costs as much as those tables hold: publishing 100 messages to a topic with 5
    subscriptions took 2.7 s on a fresh emulator, and more as the log grew. DynamoDB checks every
    condition of a transaction against the state before it (its items are distinct); this does the
    same: every condition first, then the writes, keeping copies of the touched items only, to put
    back (with the stream trimmed to where it was) if a write still fails. Cancellation reasons are
    reported as moto reports them."""
    import copy

    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    def key_of(table, op_type, op):  # type: ignore[no-untyped-def]
        if op_type != "Put":
            return op["Key"]
        attrs = op["Item"]
        key = {table.hash_key_attr: attrs[table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attrs[table.range_key_attr]
        return key

    def restore(backend, touched, shards):  # type: ignore[no-untyped-def]
        for table, hash_key, range_key, old in reversed(touched):
            if range_key is None:
                if old is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = old
            elif old is None:
                table.items.get(hash_key, {}).pop(range_key, None)
            else:
                table.items[hash_key][range_key] = old
        for shard, length in shards:
            del shard.items[length:]

    def transact_write_items(self, transact_items):  # type: ignore[no-untyped-def]
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        seen = set()
        checked = []
        errors = []
        for item in transact_items:
            original_item = None
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            try:
                op_type, op = next(iter(item.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")
                table = self.get_table(op["TableName"])
                key = key_of(table, op_type, op)
                unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
                if unique in seen:
                    raise MultipleTransactionsException()
                seen.add(unique)
                current = self.get_item(op["TableName"], key)
                condition = op.get("ConditionExpression")
                if condition is not None:
                    condition_op = get_filter_expression(condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"))
                    if not condition_op.expr(current):
                        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                            original_item = current.to_json()["Attributes"]
                        raise ConditionalCheckFailed(item=original_item)
                checked.append((op_type, op, table, key))
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                raise
            except ConditionalCheckFailed as e:
                errors.append(("ConditionalCheckFailed", str(e.message), original_item))
            except Exception as e:  # noqa: BLE001 as moto: any other failure is a cancellation reason
                errors.append((type(e).__name__, str(e), original_item))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)

        shards = [(table.stream_shard, len(table.stream_shard.items)) for table in {id(t): t for _, _, t, _ in checked}.values() if table.stream_shard is not None]
        touched = []
        for index, (op_type, op, table, key) in enumerate(checked):
            if op_type == "ConditionCheck":
                continue
            hash_key, range_key = self.get_keys_value(table, key)
            touched.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            try:
                if op_type == "Put":
                    self.put_item(op["TableName"], op["Item"], condition_expression=op.get("ConditionExpression"), expression_attribute_names=names, expression_attribute_values=values)
                elif op_type == "Delete":
                    self.delete_item(op["TableName"], key, condition_expression=op.get("ConditionExpression"), expression_attribute_names=names, expression_attribute_values=values)
                else:
                    self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"], condition_expression=op.get("ConditionExpression"), expression_attribute_names=names, expression_attribute_values=values)
            except (MultipleTransactionsException, MockValidationException):
                restore(self, touched, shards)
                raise
            except Exception as e:  # noqa: BLE001
                restore(self, touched, shards)
                failed = [(None, None, None)] * len(checked)
                failed[index] = (type(e).__name__, str(e), None)
                raise TransactionCanceledException(failed)

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
    _sends_without_queue_counts()
    _transactions_without_table_copies()

    from werkzeug.serving import run_simple
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, _with_clock_endpoint(app), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
