"""What the gateway must remember across turns and restarts, in its own small database.

- the buttons offered to each chat: a button press is accepted only if its payload was offered
  to that chat (a chat cannot invent `/intent{...}` payloads), and Telegram, which allows 64
  bytes of callback data, gets a short token instead of the payload;
- Telegram update ids already handled (Telegram re-sends an update when a webhook answered
  late; each is handled once);
- the notifier's cursor in the ERP's event feed and the (event, chat) pairs already told, so a
  restart never sends a message twice; notices for web chats with no page open, shown when
  one opens;
- human handoffs: which chats are with a person, which staff-chat message stands for which
  chat, and each chat's last lines (a day) for whoever takes over;
- each chat's language (English or Chinese, bot/language.py) and whether the user asked for it.

SQLite by default (`var/gateway.db`), PostgreSQL in production (GATEWAY_DATABASE_URL). The
tables are created when missing; they hold nothing a migration would need to carry over beyond
a restart, so there are no Alembic migrations for them (the ERP's schema has them).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement

metadata = MetaData()

offered_buttons = Table(
    "offered_buttons",
    metadata,
    Column("chat", String(160), primary_key=True),
    Column("token", String(16), primary_key=True),
    Column("payload", String(2000), nullable=False),
    Column("title", String(200), nullable=False),
    Column("offered_at", DateTime(timezone=True), nullable=False, index=True),
)

handled_updates = Table(
    "telegram_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("handled_at", DateTime(timezone=True), nullable=False, index=True),
)

cursors = Table(
    "cursors",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

told = Table(
    "told",
    metadata,
    Column("event_id", BigInteger, primary_key=True, autoincrement=False),
    Column("chat", String(160), primary_key=True),
    Column("told_at", DateTime(timezone=True), nullable=False, index=True),
)

kept_notices = Table(
    "kept_notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat", String(160), nullable=False, index=True),
    Column("body", Text, nullable=False),
    Column("kept_at", DateTime(timezone=True), nullable=False, index=True),
)

# Human handoff: chats with a person, the staff-chat messages that stand for each chat (staff
# answer by replying to one), and each chat's last lines, shown to the person who takes over.
handoffs = Table(
    "handoffs",
    metadata,
    Column("chat", String(160), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("active_at", DateTime(timezone=True), nullable=False),
)

staff_messages = Table(
    "staff_messages",
    metadata,
    Column("message_id", BigInteger, primary_key=True, autoincrement=False),
    Column("chat", String(160), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False, index=True),
)

transcript = Table(
    "transcript",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat", String(160), nullable=False, index=True),
    Column("speaker", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("said_at", DateTime(timezone=True), nullable=False, index=True),
)

# The language a chat is answered in: chosen per message, kept for messages without words;
# `asked`: it was chosen by asking for it ("说中文"), not by writing in it.
chat_languages = Table(
    "chat_languages",
    metadata,
    Column("chat", String(160), primary_key=True),
    Column("language", String(8), nullable=False),
    Column("asked", Boolean, nullable=False),
    Column("chosen_at", DateTime(timezone=True), nullable=False),
)

BUTTONS_KEPT = timedelta(days=7)  # an old button still works for a week, then says it expired
UPDATES_KEPT = timedelta(days=2)  # Telegram keeps re-sending an update for at most 24 hours
TOLD_KEPT = timedelta(days=30)  # only needed while the cursor could be set back over them
NOTICES_KEPT = timedelta(days=7)  # a web chat not opened for a week misses its old news
TRANSCRIPT_KEPT = timedelta(days=1)  # enough to show whoever takes over a conversation
STAFF_MESSAGES_KEPT = timedelta(days=7)
# a language chosen over a year ago is forgotten: each message with words chooses again, and
# one without falls back to the client's locale
LANGUAGES_KEPT = timedelta(days=365)


class GatewayStore:
    def __init__(self, database_url: str) -> None:
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(
            # a database error's text (logged) names the statement, never its values (chats)
            database_url,
            pool_pre_ping=True,
            hide_parameters=True,
        )
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- buttons ---------------------------------------------------------------------------

    def offer(self, chat: str, title: str, payload: str) -> str:
        """Remember a button offered to `chat`; its token (the same for the same payload)."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            token = connection.execute(
                select(offered_buttons.c.token).where(
                    offered_buttons.c.chat == chat, offered_buttons.c.payload == payload
                )
            ).scalar()
            if token is not None:
                connection.execute(
                    offered_buttons.update()
                    .where(offered_buttons.c.chat == chat, offered_buttons.c.token == token)
                    .values(offered_at=now, title=title)
                )
                return str(token)
            token = secrets.token_urlsafe(9)
            connection.execute(
                insert(offered_buttons).values(
                    chat=chat, token=token, payload=payload, title=title, offered_at=now
                )
            )
            return token

    def offered_payload(self, chat: str, token: str) -> str | None:
        return self._live_payload(chat, offered_buttons.c.token == token)

    def was_offered(self, chat: str, payload: str) -> bool:
        return self._live_payload(chat, offered_buttons.c.payload == payload) is not None

    def _live_payload(self, chat: str, which: ColumnElement[bool]) -> str | None:
        """The payload of the button offered to `chat` within BUTTONS_KEPT that `which` picks."""
        with self.engine.connect() as connection:
            payload = connection.execute(
                select(offered_buttons.c.payload).where(
                    offered_buttons.c.chat == chat,
                    which,
                    offered_buttons.c.offered_at > datetime.now(UTC) - BUTTONS_KEPT,
                )
            ).scalar()
        return None if payload is None else str(payload)

    # -- Telegram updates ------------------------------------------------------------------

    def first_time(self, update_id: int) -> bool:
        """True the first time an update id is seen, False for every repeat."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(handled_updates).values(
                        update_id=update_id, handled_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            return False
        return True

    # -- notifier --------------------------------------------------------------------------

    def cursor(self, name: str) -> int | None:
        """Where the named reader stopped; None before its first read."""
        with self.engine.connect() as connection:
            position = connection.execute(
                select(cursors.c.position).where(cursors.c.name == name)
            ).scalar()
        return None if position is None else int(position)

    def move_cursor(self, name: str, position: int) -> None:
        with self.engine.begin() as connection:
            moved = connection.execute(
                cursors.update().where(cursors.c.name == name).values(position=position)
            )
            if moved.rowcount == 0:
                connection.execute(insert(cursors).values(name=name, position=position))

    def claim(self, event_id: int, chat: str) -> bool:
        """True once per (event, chat): the caller then tells that chat about that event."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(told).values(event_id=event_id, chat=chat, told_at=datetime.now(UTC))
                )
        except IntegrityError:
            return False
        return True

    def release(self, event_id: int, chat: str) -> None:
        """Undo a claim whose message could not be sent, so the next pass tries again."""
        with self.engine.begin() as connection:
            connection.execute(delete(told).where(told.c.event_id == event_id, told.c.chat == chat))

    def keep_notice(self, chat: str, body: str) -> None:
        """A notice for a web chat with no page open: shown when one opens."""
        with self.engine.begin() as connection:
            connection.execute(
                insert(kept_notices).values(chat=chat, body=body, kept_at=datetime.now(UTC))
            )

    def take_notices(self, chat: str) -> list[str]:
        """The notices kept for `chat`, oldest first, removed as they are handed out."""
        with self.engine.begin() as connection:
            rows = connection.execute(
                select(kept_notices.c.id, kept_notices.c.body)
                .where(kept_notices.c.chat == chat)
                .order_by(kept_notices.c.id)
            ).all()
            if rows:
                connection.execute(
                    delete(kept_notices).where(kept_notices.c.id.in_([row.id for row in rows]))
                )
        return [str(row.body) for row in rows]

    # -- human handoff ---------------------------------------------------------------------

    def note(self, chat: str, lines: list[tuple[str, str]]) -> None:
        """Lines of a turn, `(speaker, text)`, for the transcript shown at a handoff."""
        if not lines:
            return
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            connection.execute(
                insert(transcript),
                [
                    {"chat": chat, "speaker": who, "text": text, "said_at": now}
                    for who, text in lines
                ],
            )

    def last_lines(self, chat: str, count: int) -> list[tuple[str, str]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(transcript.c.speaker, transcript.c.text)
                .where(transcript.c.chat == chat)
                .order_by(transcript.c.id.desc())
                .limit(count)
            ).all()
        return [(str(row.speaker), str(row.text)) for row in reversed(rows)]

    def hand_over(self, chat: str) -> bool:
        """Start a handoff; False when the chat is already with a person."""
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(handoffs).values(chat=chat, started_at=now, active_at=now)
                )
        except IntegrityError:
            return False
        return True

    def handed_over_since(self, chat: str) -> datetime | None:
        """When the handoff of `chat` last saw activity; None when the bot has the chat."""
        with self.engine.connect() as connection:
            active = connection.execute(
                select(handoffs.c.active_at).where(handoffs.c.chat == chat)
            ).scalar()
        if not isinstance(active, datetime):
            return None
        return active if active.tzinfo else active.replace(tzinfo=UTC)  # SQLite drops the zone

    def touch_handoff(self, chat: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                handoffs.update().where(handoffs.c.chat == chat).values(active_at=datetime.now(UTC))
            )

    def hand_back(self, chat: str) -> bool:
        """End a handoff; False when there was none."""
        with self.engine.begin() as connection:
            ended = connection.execute(delete(handoffs).where(handoffs.c.chat == chat))
        return bool(ended.rowcount)

    def staff_message(self, message_id: int, chat: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(staff_messages).values(
                    message_id=message_id, chat=chat, sent_at=datetime.now(UTC)
                )
            )

    def chat_of_staff_message(self, message_id: int) -> str | None:
        with self.engine.connect() as connection:
            chat = connection.execute(
                select(staff_messages.c.chat).where(staff_messages.c.message_id == message_id)
            ).scalar()
        return None if chat is None else str(chat)

    # -- languages ------------------------------------------------------------------------

    def language(self, chat: str) -> tuple[str, bool] | None:
        """The chat's language and whether it was asked for; None for a new chat."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(chat_languages.c.language, chat_languages.c.asked).where(
                    chat_languages.c.chat == chat
                )
            ).first()
        return None if row is None else (str(row.language), bool(row.asked))

    def choose_language(self, chat: str, language: str, asked: bool) -> None:
        """Remember the chat's language, chosen now."""
        values = {"language": language, "asked": asked, "chosen_at": datetime.now(UTC)}
        with self.engine.begin() as connection:
            changed = connection.execute(
                chat_languages.update().where(chat_languages.c.chat == chat).values(**values)
            )
            if not changed.rowcount:
                try:
                    with connection.begin_nested():
                        connection.execute(insert(chat_languages).values(chat=chat, **values))
                except IntegrityError:  # another turn of the same chat chose at the same time
                    connection.execute(
                        chat_languages.update()
                        .where(chat_languages.c.chat == chat)
                        .values(**values)
                    )

    # -- housekeeping ----------------------------------------------------------------------

    def forget_old(self) -> None:
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            connection.execute(
                delete(offered_buttons).where(offered_buttons.c.offered_at < now - BUTTONS_KEPT)
            )
            connection.execute(
                delete(handled_updates).where(handled_updates.c.handled_at < now - UPDATES_KEPT)
            )
            connection.execute(delete(told).where(told.c.told_at < now - TOLD_KEPT))
            connection.execute(
                delete(transcript).where(transcript.c.said_at < now - TRANSCRIPT_KEPT)
            )
            connection.execute(
                delete(staff_messages).where(staff_messages.c.sent_at < now - STAFF_MESSAGES_KEPT)
            )
            connection.execute(
                delete(chat_languages).where(chat_languages.c.chosen_at < now - LANGUAGES_KEPT)
            )
            connection.execute(
                delete(kept_notices).where(kept_notices.c.kept_at < now - NOTICES_KEPT)
            )
