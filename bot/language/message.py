"""A message as people write it at work, read into the question it asks.

Japanese workplace messages wrap one question in courtesy: a greeting (お疲れ様です), the subject
(帯広の件で確認です), a self-introduction (旭川で家具を製造している者です), a hedge (恐れ入りますが,
念のため), the question in a polite request form (〜を教えていただけますでしょうか) and a closing
(よろしくお願いいたします). None of that courtesy is content: `read_message` splits the message into
sentences, tells each sentence's part, strips the courtesy around the request and turns the polite
request form into the plain question the engine reads (〜は?).

The inventory of expressions lives here and only here (`GREETINGS`, `CLOSINGS`, `HEDGES`,
`SUBJECT_FRAMES`, `INTRODUCTIONS`, `REQUEST_FORMS`); `inventory()` lists them for the tests and the
register variants of `bot.variants`. Nothing here knows the knowledge base: the engine decides
whether the subject or the writer's own city completes a request that names no partner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from bot.language.text import clean

Part = Literal["greeting", "closing", "hedge", "subject", "introduction", "request", "statement"]

# Greetings that open a message (and thanks that may close one).
GREETINGS: tuple[str, ...] = (
    "お疲れ様です",
    "お疲れさまです",
    "おつかれさまです",
    "お疲れ様でございます",
    "お疲れです",
    "おつかれです",
    "お世話になっております",
    "お世話になります",
    "いつもお世話になっております",
    "大変お世話になっております",
    "いつもありがとうございます",
    "いつも大変お世話になっております",
    "こんにちは",
    "おはようございます",
    "こんばんは",
    "はじめまして",
    "初めまして",
    "初めてご連絡いたします",
    "突然のご連絡失礼いたします",
    "突然のご連絡失礼します",
    "突然失礼いたします",
    "失礼いたします",
    "失礼します",
    "ご無沙汰しております",
    "度々失礼いたします",
    "たびたび失礼します",
    "お忙しいところ失礼いたします",
    "夜分に失礼いたします",
)

# Closings: thanks and requests for goodwill after the question.
CLOSINGS: tuple[str, ...] = (
    "よろしくお願いいたします",
    "よろしくお願いします",
    "よろしくお願い致します",
    "宜しくお願いいたします",
    "宜しくお願いします",
    "どうぞよろしくお願いいたします",
    "何卒よろしくお願いいたします",
    "何卒よろしくお願い申し上げます",
    "よろしくお願い申し上げます",
    "以上、よろしくお願いいたします",
    "お手数ですがよろしくお願いいたします",
    "お手数をおかけしますがよろしくお願いします",
    "ご確認のほどよろしくお願いいたします",
    "ご回答いただけますと幸いです",
    "ご教示いただけますと幸いです",
    "ご教示いただけると助かります",
    "教えていただけると助かります",
    "教えていただけると幸いです",
    "お手すきの際にご回答ください",
    "お時間のある時で構いません",
    "急ぎではありません",
    "急ぎません",
    "取り急ぎ",
    "ありがとうございます",
    "ありがとうございました",
    "助かります",
    "以上です",
)

# Hedges and framing: courtesy or reasons around the request, never content.
HEDGES: tuple[str, ...] = (
    "すみません",
    "すいません",
    "申し訳ありません",
    "申し訳ございません",
    "恐れ入りますが",
    "恐れ入ります",
    "恐縮ですが",
    "お忙しいところ恐れ入りますが",
    "お忙しいところすみません",
    "お忙しいところ申し訳ありませんが",
    "お手数ですが",
    "お手数をおかけしますが",
    "度々すみません",
    "たびたびすみません",
    "念のため",
    "念のためですが",
    "念のための確認ですが",
    "確認ですが",
    "ちょっと確認ですが",
    "質問ですが",
    "質問なのですが",
    "ご質問なのですが",
    "一点確認させてください",
    "一点質問です",
    "一点お伺いします",
    "一点お聞きしたいのですが",
    "ひとつ質問です",
    "ひとつ教えてください",
    "教えてください",
    "ちなみに",
    "また",
    "あと",
    "それから",
    "ところで",
    "えっと",
    "えーと",
    "すみませんが",
    "基本的なことで恐縮ですが",
    "初歩的な質問で恐縮ですが",
    "つかぬことをお伺いしますが",
    "確認させてください",
    "質問させてください",
    "お伺いしたいことがあります",
    "お聞きしたいことがあります",
    "教えていただきたいことがあります",
    "ご教示ください",
    "ご相談です",
    "質問です",
    "確認です",
    "問い合わせです",
    "お問い合わせです",
)

# 「〜の件で確認です」「〜についてですが」: the subject of the message, named before the request.
SUBJECT_FRAMES: tuple[str, ...] = (
    "の件で確認です",
    "の件で確認させてください",
    "の件で質問です",
    "の件でご質問です",
    "の件でお伺いします",
    "の件でお伺いしたいのですが",
    "の件でご相談です",
    "の件でお問い合わせです",
    "の件で教えてください",
    "の件です",
    "の件ですが",
    "の件なのですが",
    "の件について",
    "の件",
    "について確認です",
    "について質問です",
    "についてお伺いします",
    "についてですが",
    "についてなのですが",
    "に関してですが",
    "に関して質問です",
    "に関する質問です",
    "に関するお問い合わせです",
    "の件で",
)

# Self-introductions: who writes, what their company does; context, not the question.
INTRODUCTIONS: tuple[str, ...] = (
    "と申します",
    "と申しますが",
    "の者です",
    "の者ですが",
    "の担当です",
    "の担当者です",
    "を担当しております",
    "を担当しています",
    "を営んでおります",
    "を営んでいます",
    "を運営しています",
    "を運営しております",
    "を経営しています",
    "を製造しております",
    "を製造しています",
    "に勤めております",
    "に勤めています",
    "で働いております",
    "で働いています",
    "から参りました",
    "の職員です",
    "に所属しております",
    "弊社は",
    "当社は",
    "私は",
    "わたくしは",
    "弊社では",
    "当方は",
    "弊所は",
    "弊職は",
)

# English courtesy (compared case-insensitively): what opens and closes a message, not what it asks.
ENGLISH_OPENERS: tuple[str, ...] = (
    "hi team",
    "hi all",
    "hi there",
    "hello team",
    "hello",
    "hi",
    "hey",
    "good morning",
    "good afternoon",
    "dear all",
    "sorry to bother you",
    "sorry to bother",
    "excuse me",
    "quick question",
    "a quick question",
    "just a quick question",
    "just checking",
    "just to confirm",
    "question",
    "please",
)
ENGLISH_CLOSINGS: tuple[str, ...] = (
    "thanks in advance",
    "thank you in advance",
    "thanks a lot",
    "thank you very much",
    "thank you",
    "thanks",
    "many thanks",
    "cheers",
    "best regards",
    "kind regards",
    "regards",
    "best",
    "thx",
    "ty",
)

# Polite request forms, longest first: the pattern of the sentence's end and the plain ending that
# replaces it ("は?" after a noun, "?" after anything else).
REQUEST_FORMS: tuple[str, ...] = (
    "を教えていただけますでしょうか",
    "を教えていただけますか",
    "を教えていただけませんか",
    "を教えてもらえますか",
    "を教えてもらえませんか",
    "を教えてください",
    "を教えて下さい",
    "を教えていただきたいです",
    "を教えていただきたく存じます",
    "を教えていただけると助かります",
    "を教えていただけますと幸いです",
    "をご教示いただけますでしょうか",
    "をご教示いただけますか",
    "をご教示いただけませんか",
    "をご教示ください",
    "をご教示願います",
    "をご教示いただきたく存じます",
    "をご教示いただけますと幸いです",
    "をお教えください",
    "をお知らせください",
    "をお知らせいただけますか",
    "をご案内いただけますか",
    "を確認させてください",
    "を確認させていただけますか",
    "を確認したいです",
    "を確認したいのですが",
    "をお伺いできますか",
    "を伺えますか",
    "をお聞きしたいです",
    "をお聞きしたいのですが",
    "を知りたいです",
    "を知りたいのですが",
    "について教えていただけますでしょうか",
    "について教えていただけますか",
    "について教えてください",
    "についてご教示ください",
    "についてご教示いただけますか",
    "についてご教示いただけますでしょうか",
    "について確認させてください",
    "について知りたいです",
    "について伺えますか",
    "という理解で合っていますでしょうか",
    "という理解で合っていますか",
    "という理解でよろしいでしょうか",
    "という理解でよろしいですか",
    "という認識で合っていますか",
    "という認識でよろしいでしょうか",
    "で合っていますでしょうか",
    "で合っていますか",
    "で間違いないでしょうか",
    "で間違いないですか",
    "でよろしいでしょうか",
    "でよろしいですか",
    "で正しいでしょうか",
    "で正しいですか",
    "はございますでしょうか",
    "はございますか",
    "はありますでしょうか",
    "はございませんか",
    "でございますか",
    "でしょうか",
    "ですか",
    "ますでしょうか",
    "教えていただけますか",
    "教えてください",
    "ご教示ください",
    "ご教示いただけますか",
)

_QUESTION_MARK = re.compile(r"[?]$")
_SPACED_END = re.compile(r"(です|ます|でした|ました|ください|下さい|ません|ございます|いたします|致します)[ \u3000]+")
_SENTENCE_END = re.compile(r"(?<=[。!?\n])|(?<=\.\s)")
_SEPARATORS = " 、,。!?…・:："
_TRAILING = re.compile(r"[\s、,。!?…]+$")
# A sentence that asks: a question mark, an interrogative ending, or a request form.
_ASKS = re.compile(
    r"[?]$|か[。]?$|(教え|ご教示|ご教授|お知らせ|ご案内|確認させ|お伺い|伺え|お聞き|知りた|確認した)"
    r"|(はある|ありますか|あります\??$|ございますか|のでしょう|でしょう|ですか|ますか|ませんか|っけ|かな|の\??$)"
    r"|(?:を|も)お願い"
)
# A leading clause that gives a reason or leads in (「上司に説明する必要がありまして、」「資料を作っているのですが、」).
_LEADING_REASON = re.compile(
    r"^[^。?]{0,60}?(?:まして|ますので|ですので|のため|ため|のですが|んですが|ですが|ますが|けれども|けど)[、,]\s*"
)
_LEAD_END = re.compile(
    r"(?:まして|ますので|ですので|のため|ため|のですが|んですが|ですが|ますが|けれども|けど)[、,]?\s*$"
)
# 「〜の件で(ご連絡しました|メールしました…)」: any sentence naming what it is about and asking nothing.
_ABOUT = re.compile(r"^(?P<subject>.{1,30}?)(?:の件|について|に関して|に関する件)")
_REASONS = re.compile(r"(必要がありまして|必要があり|ためでして|ため、|ので、|のですが|まして)$")


@dataclass(frozen=True)
class Sentence:
    text: str
    part: Part
    lead: str = ""  # 「FAXを送りたいのですが、」: a lead-in clause, content only if it names something known


@dataclass(frozen=True)
class Message:
    """A message, read: the plain question it asks and the courtesy around it."""

    text: str
    question: str  # the request in plain form; the whole text when nothing was stripped
    subject: str  # 「帯広の件で確認です」 → 帯広
    introduction: str  # the self-introduction(s), for the partner the writer belongs to
    sentences: tuple[Sentence, ...]
    leads: tuple[str, ...] = ()  # lead-in clauses of the request(s), without their conjunction

    @property
    def is_wrapped(self) -> bool:
        """Whether courtesy was stripped (the question differs from what was typed)."""
        return self.question != clean(self.text)


# A short reply that names one thing (「北見市の分です」「帯広のほうでお願いします」) is that thing.
_SHORT_REPLY = re.compile(
    r"^(.{1,12}?)(?:の分|のほう|の方|のもの|のやつ)(?:です|でお願いします|をお願いします|でお願い|で|を)?[。!]?$"
)


def read_message(text: str) -> Message:
    cleaned = clean(text)
    reply = _SHORT_REPLY.match(cleaned)
    if reply:
        return Message(text, reply[1], "", "", (Sentence(reply[1], "request"),))
    # Lines first: a message's line breaks end its sentences (clean() folds them into spaces).
    sentences = tuple(_read_sentence(s) for line in text.splitlines() for s in _split(clean(line)))
    subject = " ".join(s.text for s in sentences if s.part == "subject")
    introduction = " ".join(s.text for s in sentences if s.part == "introduction")
    requests = [_to_plain(s.text) for s in sentences if s.part == "request"]
    if not requests:
        requests = [s.text for s in sentences if s.part == "statement"][-1:]
    question = " ".join(requests)
    if not question:
        return Message(text, cleaned, subject, introduction, sentences)
    # A reason on a line of its own (「〜があったと思うのですが、」) leads into the request after it.
    hedges = [
        s.text for s, after in pairwise(sentences) if s.part == "hedge" and after.part == "request"
    ]
    leads = tuple(
        _LEAD_END.sub("", lead)
        for lead in [*hedges, *(s.lead for s in sentences if s.lead and s.part in ("request", "statement"))]
    )
    unchanged = len(sentences) == 1 and sentences[0].part in ("request", "statement") and question == cleaned
    return Message(text, cleaned if unchanged else question, subject, introduction, sentences, leads)


def _split(text: str) -> list[str]:
    # Slack and Teams fold a message's line breaks into spaces: a space after a sentence's polite
    # ending (「お疲れ様です 来週…」) is where a line ended.
    text = _SPACED_END.sub(lambda m: m[1] + "\n", text)
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    return [p for p in pieces if _TRAILING.sub("", p)]


def _read_sentence(sentence: str) -> Sentence:
    body = _strip_courtesy(sentence)
    if not body:
        return Sentence("", "greeting" if _starts_with_any(sentence, GREETINGS) else "closing")
    subject = _subject_of(body)
    if subject is not None:
        return Sentence(subject, "subject")
    if _is_introduction(body):
        return Sentence(body, "introduction")
    lead = _LEADING_REASON.match(body)
    if lead and not re.search(r"件|について|に関して", lead[0]) and len(body) > lead.end():
        rest = _read_sentence(body[lead.end() :])
        leads = "、".join(x for x in (lead[0].rstrip(_SEPARATORS), rest.lead) if x)
        return Sentence(rest.text, rest.part if rest.part != "hedge" else "statement", leads)
    if _REASONS.search(_TRAILING.sub("", body)) and not _QUESTION_MARK.search(body):
        return Sentence(body, "hedge")
    return _read_request(body)


def _read_request(body: str, lead: str = "") -> Sentence:
    asks = _ASKS.search(body) is not None or _ends_with_request(body)
    return Sentence(body, "request" if asks else "statement", lead)


def _strip_courtesy(sentence: str) -> str:
    """The sentence without the greetings and hedges that open it and the closings that end it."""
    body, changed = _strip_english_courtesy(sentence), True
    while changed:
        changed = False
        for phrase in _OPENERS:
            if body.startswith(phrase):
                body, changed = body[len(phrase) :].lstrip(_SEPARATORS), True
                break
        for phrase in _ENDERS:
            trimmed = _TRAILING.sub("", body)
            if (trimmed.endswith(phrase) and trimmed != phrase) or trimmed == phrase:
                body, changed = trimmed[: len(trimmed) - len(phrase)].rstrip(_SEPARATORS), True
                break
    return body.strip()


# "Do you have the address?" asks for the address, not whether the bot has it.
_ENGLISH_ASKING_FRAME = re.compile(
    r"(?:do|would) you (?:have|know|happen to (?:have|know))\s+(?=(?:the|a|an|any|what|when|where|who|which|how)\b)",
    re.IGNORECASE,
)


def _strip_english_courtesy(sentence: str) -> str:
    sentence = _ENGLISH_ASKING_FRAME.sub("", sentence, count=1) if _ENGLISH_ASKING_FRAME.match(sentence) else sentence
    lowered, body = sentence.lower(), sentence
    for phrase in _ENGLISH_OPENERS:
        if re.match(rf"{re.escape(phrase)}\b[\s,:!.-]*", lowered) and len(lowered) > len(phrase) + 2:
            cut = re.match(rf"{re.escape(phrase)}\b[\s,:!.-]*", lowered)
            assert cut is not None
            return _strip_english_courtesy(body[cut.end() :])
    for phrase in _ENGLISH_CLOSINGS:
        match = re.search(rf"[\s,.!?]*\b{re.escape(phrase)}[\s,.!]*$", lowered)
        if match and match.start() > 0:
            return _strip_english_courtesy(body[: match.start()] + ("?" if "?" in match[0] else ""))
    return body


def _subject_of(body: str) -> str | None:
    """「帯広の件で確認です」「帯広市様との覚書の件でご連絡しました」 → 帯広…; a sentence that asks is a
    request, not a subject."""
    trimmed = _TRAILING.sub("", body)
    for frame in SUBJECT_FRAMES:
        if trimmed.endswith(frame) and len(trimmed) > len(frame):
            return trimmed[: -len(frame)].strip(_SEPARATORS)
    about = _ABOUT.match(trimmed)
    if about and not _ASKS.search(body) and not _ends_with_request(body):
        return about["subject"].strip(_SEPARATORS)
    return None


def _is_introduction(body: str) -> bool:
    if _QUESTION_MARK.search(body) or re.search(r"(ですか|ますか|でしょうか)[。]?$", body):
        return False
    return any(marker in body for marker in INTRODUCTIONS) or bool(
        re.search(r"(市役所|役所|株式会社|会社|商工会議所|協会|課|部|局)の.{1,8}(です|でございます)[。]?$", body)
    )


def _ends_with_request(body: str) -> bool:
    trimmed = _TRAILING.sub("", body)
    return any(trimmed.endswith(form) for form in REQUEST_FORMS)


# A verb of asking with nothing but kana after it ends a request of any politeness:
# 「部屋名を確認させていただけますでしょうか」「何の略か教えていただけますか」「〜かご存じでしょうか」.
_ASKING_VERB = re.compile(
    r"(?:を|について|に関して|は|、)?\s*(?:念のため)?(?:教え|お教え|ご教示|ご教授|お知らせ|ご案内|確認|ご確認|お伺い|伺|お聞き|"
    r"お聞かせ|知りた|ご存[じ知]|存じ|お尋ね|尋ね|把握|知って|押さえ|(?<![\d０-９])分か|わか|お願い)[ぁ-んー]*$"
)


def _to_plain(request: str) -> str:
    """「室蘭の会場を教えていただけますか」 → 室蘭の会場は?; 「何時からでしょうか」 → 何時から?"""
    trimmed = _TRAILING.sub("", request)
    inner = _strip_frame_inside(trimmed)
    claimed = _CLAIM_TAIL.search(inner)
    if claimed and claimed.start() > 0:
        return f"{inner[: claimed.start()].rstrip(_SEPARATORS)}?"
    asking = _ASKING_VERB.search(inner)
    if asking and asking.start() > 0 and not _is_claim_form(inner):
        return _ask(inner[: asking.start()].rstrip(_SEPARATORS), "を")
    for form in REQUEST_FORMS:
        if inner.endswith(form) and len(inner) > len(form):
            stem = inner[: -len(form)].rstrip(_SEPARATORS)
            return _ask(stem, form)
    return inner + "?" if not inner.endswith("?") else inner


# 「〜という理解で合っていますか」「〜で認識あってます?」「〜でOKですか」: a claim to confirm.
_CLAIM_TAIL = re.compile(
    r"(?:という|との|で|と)?(?:理解|認識)?(?:で|が)?\s*(?:合って|あって|間違い(?:ない|ありません|ございません)|よろしい|正しい|OK|大丈夫)"
    r"[ぁ-んー]*$"
)


_CLAIM_WORDS = re.compile(r"(という|との)(理解|認識)|で(合って|間違い|よろしい|正しい)")


def _is_claim_form(text: str) -> bool:
    return bool(_CLAIM_TAIL.search(text) or _CLAIM_WORDS.search(text))


def _ask(stem: str, form: str) -> str:
    if form.startswith(("という", "との", "で合って", "で間違い", "でよろしい", "で正しい")):
        return f"{stem}?"  # a claim to confirm: 「帯広の式は2月7日という理解で合っていますか」
    if form.startswith(("はございま", "はありま")):
        return f"{stem}はある?"
    if form.startswith(("を", "について")) or form in ("教えていただけますか", "教えてください"):
        if stem.endswith("か"):
            return f"{stem[:-1]}?"  # 「何時から始まるか教えて」
        if stem.endswith("って"):
            return f"{stem[:-2]}は?"
        if stem.endswith("も") and len(stem) > 2:
            return f"{stem[:-1]}は?"  # 「場所もお願いします」
        return f"{stem}は?" if not stem.endswith("は") else f"{stem}?"
    return f"{stem}?"


def _strip_frame_inside(sentence: str) -> str:
    """「帯広の件で、締結式は何時から」: the subject frame inside a request names the subject."""
    match = re.match(
        r"^(.{1,30}?)(?:の件で|の件ですが|の件なのですが|についてですが|に関してですが)[、,\s]*(.+)$", sentence
    )
    if not match:
        return sentence
    return f"{match[1]}の{match[2]}" if not match[2].startswith(match[1]) else match[2]


def _starts_with_any(text: str, phrases: tuple[str, ...]) -> bool:
    return any(text.startswith(p) for p in phrases)


def inventory() -> dict[str, tuple[str, ...]]:
    """Every expression the reader knows, by part (for the tests and the register variants)."""
    return {
        "greeting": GREETINGS,
        "closing": CLOSINGS,
        "hedge": HEDGES,
        "subject": SUBJECT_FRAMES,
        "introduction": INTRODUCTIONS,
        "request": REQUEST_FORMS,
        "english": ENGLISH_OPENERS + ENGLISH_CLOSINGS,
    }


# Longest first, so that 「お忙しいところ恐れ入りますが」 is stripped whole, not as 「お忙しいところ」.
_OPENERS = tuple(sorted((*GREETINGS, *HEDGES), key=len, reverse=True))
_ENGLISH_OPENERS = tuple(sorted(ENGLISH_OPENERS, key=len, reverse=True))
_ENGLISH_CLOSINGS = tuple(sorted(ENGLISH_CLOSINGS, key=len, reverse=True))
_ENDERS = tuple(sorted((*CLOSINGS, *GREETINGS[:10]), key=len, reverse=True))
