"""Persistent conversations: messages, turns, tool runs and their exchanges (SQLite or PostgreSQL)."""

from frontdesk.store.conversations import ConversationStore
from frontdesk.store.locks import ConversationLocks, RedisConversationLocks
from frontdesk.store.records import Conversation, Message, Stats, ToolRunRecord, Turn, TurnRecord

__all__ = [
    "Conversation",
    "ConversationLocks",
    "ConversationStore",
    "Message",
    "RedisConversationLocks",
    "Stats",
    "ToolRunRecord",
    "Turn",
    "TurnRecord",
]
