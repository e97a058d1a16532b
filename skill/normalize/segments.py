"""Stage 3 of the reader: where a sentence names a customer segment, and what the name is.

Operators name segments in prose and speech as often as in tables: "the toy people theres about
900 of them", "what we call the Daily Brewers", "a big group of Christmas gifters", "Lapsed
members, 1,900". A segment phrase is a short noun phrase that ends in a word for a group of
customers (the people nouns below), or an operator's own label after "we call them". Phrases
that name a goal, a worry, the team or a metric are not segments. Word lists are data here so
a retention expert can review them; matching is one regex pass per sentence (linear).
"""

from __future__ import annotations

import re
from functools import lru_cache

_I = re.IGNORECASE

# Nouns that stand for a group of customers (English, Spanish, German; plural and shop-talk forms).
PEOPLE_NOUNS = (
    r"people|ppl|folks|buyers|customers|custs|clients|clientes|clientas|kunden|members|subscribers|subscibers|subs|shoppers"
    r"|visitors|owners|accounts|stores|stockists|boutiques|families|gifters|givers|riders|users|merchants|parents|fans"
    r"|hunters|seekers|crowd|guys|regulars|vips|collectors|collecters|readers|students|learners|households|restaurants"
    r"|trucks|offices|teams|brewers|drinkers|lovers|addicts|rats|heads|gearheads|bingers|stackers|swappers|upgraders"
    r"|completers|finishers|alumni|newbies|installs|cuentas|tiendas|restaurantes|familias|personas|subscriptions?|cafés|cafes|shops|salons|gyms|clinics|bars|hotels|studios|schools|venues|practices|builders|senders|purchasers|repeaters|reorderers|sign-ups|signups|leads|followers|contacts|subscribers|timers|one-timers|first-timers|cancellers|cancelers|churners|returners|bracketers|browsers|ones|club|tier"
)
# Filler that may open a spoken or chatty sentence before the phrase.
_OPENERS = (
    r"(?:(?:ok(?:ay)?|so|and|then|also|plus|oh|um+|uh+|right|next|finally|lastly|y|luego|dann|und)[,.]?\s+){0,4}"
    r"(?:(?:there'?s|theres|there is|there are|we have|we've got|you have|hay|es gibt)\s+)?(?:(?:a|an|the|our|los|las|die)\s+)?"
    r"(?:(?:much|even|far|very|quite)\s+)?(?:(?:big|bigger|biggest|small|smaller|large|larger|tiny|huge|second|third|last|final|core|main|other)\s+)?"
    r"(?:(?:group|bunch|set|batch|cohort|crowd|tribe)\s+of\s+(?:the\s+)?)?"
)
# A modifier: a word that is not a function word, verb or number (up to three before the noun).
_STOP = (
    r"the|a|an|of|our|their|and|or|but|so|then|that|this|these|those|who|which|with|for|from|in|on|at|to|by|is|are|was"
    r"|were|be|been|it|its|it's|we|i|you|they|them|most|many|some|all|any|every|each|more|less|only|just|about|around"
    r"|roughly|like|maybe|theres|there's|other|also|plus|um|uh|ok|okay|how|what|when|where|why|if|not|no|yes|new members"
    r"|buy|buys|bought|spend|spends|pay|pays|come|came|keep|keeps|make|makes|have|has|had|get|gets"
)
_WORD = r"(?:[A-Za-z\u00c0-\u024f][\w'&/+.-]*|\d+[dD]\+?)"
_MODIFIERS = rf"(?:(?!(?:{_STOP})\b){_WORD}\s+){{0,3}}"
_HEAD = re.compile(rf"^\s*{_OPENERS}(?:[~≈]?\d[\d.,]*[kK]?\+?\s+)?[\"'“‘]?(?P<name>{_MODIFIERS}(?:{PEOPLE_NOUNS}))\b", _I)
# A lifecycle word alone names a segment when punctuation follows it: "And lapsed, no purchase in 18 months".
_LANE_HEAD = re.compile(
    rf"^\s*{_OPENERS}(?P<name>lapsed|dormant|inactive|churned|cancell?ed|paused|new ones|vips?|regulars|repeaters|one-?timers|first-?timers|newbies)(?=\s*[,:;—–(-]|\s+\d)",
    _I,
)
# "what we call the Daily Brewers", "I call them the collar club", "(we call them 'active members')".
_ALIAS = re.compile(
    r"\b(?:what )?(?:we|i|they)(?:'re| are)?(?: \w+ly)? (?:call|calls|called|label|labels|name|tag|tags|tagged|dub|dubbed|know|refer to)(?: them| it| these| those)?(?: as)?(?: the)? ['\"“‘]?(?P<name>[\w' &+-]{2,40}?)['\"”’]?"
    r"(?=\s*(?:[:,.;)(]|$|\s(?:its|it's|is|are|who|that|which|with|about|around|roughly|\d)))",
    _I,
)
# A phrase that names the business, a goal, a worry, the team or a metric, not a group of customers.
_NOT_SEGMENT = re.compile(
    r"\b(?:worry|worries|problem|goal|goals|team|staff|people in crm|crm|marketing|ops|we|our team|everyone|nobody|all customers"
    r"|total|overall|whole|base|list|most people|these people|those people|new members|the people|people who|other people"
    r"|customers? (?:count|service|support|base)|subscription cancellations|cancellations|constraint|constraints|rules?)\b"
    r"|\b(?:share|rate|ratio|pct|percent|count|number|avg|average|split|mix)\s*$",
    _I,
)


# Segments listed inside one prose sentence: "our book club subscribers (about 430 people, ...), the heavy
# readers (around 900 people ...), and the one-book crowd, everyone else (around 3,900)".
_LISTED = re.compile(
    rf"(?:^|[,;:]\s*|\b(?:and|then|plus)\s+)(?:(?:the|our|a|an)\s+)?(?P<name>{_MODIFIERS}(?:{PEOPLE_NOUNS}))\b(?=\s*(?:\(|[,—–-]\s*(?:about|around|roughly|~)?\s*\d|,[^()]{0,80}\((?:about|around|roughly|~)?\s*\d))",
    _I,
)
_LONE_NOUNS = frozenset(
    "people ppl folks ones guys club tier customers custs buyers users accounts members subscribers subs clients shoppers stores"
    " merchants families households visitors owners readers students kunden clientes clientas subscription subscriptions cuentas".split()
)


# Modifiers that do not narrow the base, and words that say a figure covers everyone.
_GENERIC_MODIFIERS = frozenset(
    "active paying paid total tot totl ttl unique all business registered existing current our own online site store shop web website dtc d2c webshop direct".split()
)
# Nouns that name the whole base when only generic words stand before them ("Active paid installs", "totl custs").
_BASE_NOUNS = frozenset("customers custs buyers installs accounts users merchants stores clients people ppl shoppers".split())
_WHOLE_BASE = re.compile(
    r"\b(?:in the (?:last|past) (?:12|twelve) months|last 12 ?mo|past year|last year|this year|all[- ]time|in total|overall|total|in the system|ltm|12m)\b", _I
)


# "The rest are a 1000 or so one-off online buyers", "140 cafés on wholesale accounts": a count, then the segment.
_COUNTED = re.compile(
    rf"(?<![\w.,])[~≈]?\d[\d.,]*[kK]?\+?(?:\s+or so)?\s+[\"'“‘]?(?P<name>(?:(?!(?:{_STOP})\b){_WORD}\s+){{1,3}}(?:{PEOPLE_NOUNS}))\b", _I
)


@lru_cache(maxsize=4096)  # a sentence is asked about several times on its way through the reader
def counted_segment(sentence: str) -> tuple[str, int] | None:
    """(name, start) of a segment introduced by its count inside a sentence."""
    match = _COUNTED.search(sentence)
    if match is None:
        return None
    name = _tidy(match.group("name"))
    modifiers = name.split()[:-1]
    if _NOT_SEGMENT.search(name) or all(word.lower() in _GENERIC_MODIFIERS for word in modifiers) or _WHOLE_BASE.search(sentence):
        return None
    return name, match.start("name")


@lru_cache(maxsize=4096)
def listed_segments(sentence: str) -> tuple[tuple[str, int], ...]:
    """Every (name, start) of segments listed with a bracketed or trailing number in one sentence."""
    found = []
    for match in _LISTED.finditer(sentence):
        name = _tidy(match.group("name"))
        if not _NOT_SEGMENT.search(name) and name.lower() not in _LONE_NOUNS:
            found.append((name, match.start("name")))
    return tuple(found)


# A Chinese segment name at the start of a line: a short noun ending in a word for customers,
# followed by a bracket, a colon, a count or 有/大概/約 ("熟客（一年買 6 次以上）大概 1,150 人").
_CJK_HEAD = re.compile(
    r"^\s*(?P<name>[\u4e00-\u9fffA-Za-z]{0,8}?(?:客人|客戶|客户|顧客|顾客|會員|会员|買家|买家|用戶|用户|訂戶|订户|粉絲|粉丝|客|族|戶|户))"
    r"(?=\s*(?:[(（:：,，]|有|大概|約|约|共|\d))"
)
_CJK_NOT_SEGMENT = re.compile(r"過去|过去|去年|今年|整體|整体|全部|所有|總|总|\d+\s?個?月|下單客人|下单客人|^(?:客人|客戶|客户|顧客|顾客|會員|会员|所有客|全部客|整體|整体|總客|总客|獲客|获客|新台|平均客)")


# "a much bigger group of string-and-accessory reorderers, roughly 12,500 people": after "group of", any plural names it.
_GROUP_OF = re.compile(
    r"\b(?:group|bunch|set|cohort|crowd|tribe|segment|batch) of (?:the |our )?(?P<name>(?:[\w'&/-]+\s){0,3}[\w'&/-]+?s)(?=\s*[,(:;—–]|\s+(?:who|that|which|with|at|around|about|roughly)\b)",
    _I,
)
# "The last group is the dormant file: about 21,000 people": a group named after "is".
_GROUP_IS = re.compile(
    r"\b(?:group|segment|cohort|bucket|tier|crowd|one|ones) (?:is|are) (?:the |our )?(?!(?:about|around|roughly|some|nearly|over|~|\d))(?P<name>[\w' &/-]{2,30}?)(?=\s*[:,.;(]|\s+(?:who|that|with|at|around|about)\b)",
    _I,
)


# "The biggest spenders are the lens collectors.": the operator's name for a group comes after "are the".
_ARE_THE = re.compile(rf"\b(?:are|is) (?:the|our) (?P<name>(?:(?!(?:{_STOP})\b){_WORD}\s+){{1,3}}(?:{PEOPLE_NOUNS}))\b", _I)
# "guest checkouts are a bigger crowd at 6,100 customers": a plural named, then called a group.
_IS_A_GROUP = re.compile(
    r"(?:^|,\s*|\band\s+)(?:the\s+)?(?P<name>(?:[\w'-]+\s){0,2}[\w'-]+s) (?:are|is|make up|form) (?:a|the|our) (?:\w+ ){0,2}(?:crowd|group|segment|bunch|cohort|tribe)\b",
    _I,
)
# 'Anyone with no purchase in 2 years (~3,900 clients) sits in "Dormant".'
_SITS_IN = re.compile(r"\b(?:sits?|sit|go(?:es)?|fall|falls|land|lands|are|is) (?:in|into|under) (?:the )?[\"“'‘](?P<name>[^\"”'’]{2,30})[\"”'’]", _I)
# "Beginners are their own story.": a plural agent noun opening a sentence names a group.
_AGENT_HEAD = re.compile(
    rf"^\s*{_OPENERS}(?P<name>(?:(?!(?:{_STOP})\b)[\w'-]+\s){{0,2}}[\w'-]+(?:ers|ors|ists|ians|ees|ants|ies))\s+(?:are|were|make up|account for|bring|buy|come|order)\b",
    _I,
)


@lru_cache(maxsize=4096)
def segment_phrase(sentence: str) -> tuple[str, int] | None:
    """(name, start) of the segment a sentence opens with or labels, if any."""
    for pattern in (_GROUP_OF, _GROUP_IS, _ARE_THE, _SITS_IN, _IS_A_GROUP):
        grouped = pattern.search(sentence)
        if grouped and (grouped.start() <= 40 or pattern is _SITS_IN) and not _NOT_SEGMENT.search(grouped.group("name")):
            return _tidy(grouped.group("name")), grouped.start("name")
    cjk = _CJK_HEAD.match(sentence) if sentence[:12].strip() and "\u4e00" <= sentence.lstrip()[:1] <= "\u9fff" else None
    if cjk and not _CJK_NOT_SEGMENT.match(cjk.group("name")):
        return cjk.group("name"), cjk.start("name")
    alias = _ALIAS.search(sentence)
    if alias:
        name = alias.group("name").strip(" '\"")
        if name and not _NOT_SEGMENT.fullmatch(name) and len(name.split()) <= 5:
            head = _HEAD.match(sentence)
            if head and not _NOT_SEGMENT.search(head.group("name")) and head.group("name").lower() not in name.lower():
                name = f"{name} ({_tidy(head.group('name'))})"
            return _tidy(name), 0
    head = _HEAD.match(sentence) or _AGENT_HEAD.match(sentence)
    if head is None:
        lane_head = _LANE_HEAD.match(sentence)
        return (_tidy(lane_head.group("name")), lane_head.start("name")) if lane_head else None
    name = _tidy(head.group("name"))
    words = name.split()
    generic = all(word.lower() in _GENERIC_MODIFIERS for word in words[:-1])
    if generic and (_WHOLE_BASE.search(sentence) or words[-1].lower() in _BASE_NOUNS):
        return None  # "~3,800 business accounts ordered in the last 12 months", "Active paid installs": the whole base
    if _NOT_SEGMENT.search(name) or (len(words) == 1 and words[0].lower() in _LONE_NOUNS):
        return None
    return name, head.start("name")


def _tidy(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip(" -–—:,.'\"")
