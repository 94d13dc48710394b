"""The Socket.IO message queue between workers (Redis), made to ride out a Redis outage.

python-socketio already delivers every emit to this worker's own clients before publishing it for the
others, and gives up a publish it cannot make, so a vote never waits on Redis. What it lacks for a room is
a quick return: its listener backs off up to 60 s between reconnection attempts, so screens on other
workers would stay behind for a minute after Redis is back. This listener retries every second or two,
and the connection has short timeouts so a vanished Redis host costs a second, not a hung worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import socketio

#: Seconds between attempts to resubscribe after Redis went away (doubling from 0.5 s up to this).
MAX_RETRY_SLEEP = 2.0
REDIS_OPTIONS = {"socket_connect_timeout": 1.0, "health_check_interval": 10}


class ResilientRedisManager(socketio.RedisManager):  # type: ignore[misc]
    def _redis_listen_with_retries(self) -> Iterator[Any]:
        retry_sleep = 0.5
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    retry_sleep = 0.5
                    self._get_logger().info("message queue: subscribed to %s", self.channel)
                yield from self.pubsub.listen()
            except Exception as exc:  # any Redis or socket error: keep the worker serving its own clients
                self._get_logger().warning("message queue: Redis unreachable (%s); retrying in %.1f s",
                                           exc.__class__.__name__, retry_sleep)
                subscribed = False
                self.connected = False
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, MAX_RETRY_SLEEP)


def client_manager(url: str, channel: str) -> ResilientRedisManager:
    return ResilientRedisManager(url, channel=channel, write_only=False, redis_options=dict(REDIS_OPTIONS))
