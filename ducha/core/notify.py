"""Outgoing messages (SMS, e-mail). The backend is a setting; the default writes to the log."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("ducha.notify")


class MessageBackend:
    """Interface: send one notification to its recipient by some channel."""

    def send(self, notification) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LogMessageBackend(MessageBackend):
    def send(self, notification) -> None:
        recipient = notification.recipient
        logger.info("消息 -> %s(%s): %s", recipient.username, recipient.phone or "无手机号", notification.title)


def deliver(notification) -> None:
    backend = import_string(settings.DUCHA_MESSAGE_BACKEND)()
    try:
        backend.send(notification)
    except Exception:  # a failing SMS gateway must not break the write that raised it
        logger.exception("消息发送失败: %s", notification.pk)
