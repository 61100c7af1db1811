"""Notifications: intents recorded in the action's transaction, delivered later (DESIGN: "Side effects").

Engine code calls `notify` / `notify_message` with its own session; nothing is sent there. The
in-app notification is visible as soon as the action commits; the e-mail on the same row is sent by
`dispatch_pending` (scheduler job or `tdkt notify dispatch`), at least once, with retries.
"""

from engine.notifications.inbox import list_notifications, mark_all_read, mark_read, unread_count
from engine.notifications.messages import Message, TaskInfo, task_info
from engine.notifications.outbox import notify, notify_message

__all__ = ["Message", "TaskInfo", "list_notifications", "mark_all_read", "mark_read", "notify", "notify_message",
           "task_info", "unread_count"]
