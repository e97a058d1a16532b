"""Stage 5 (lanes): pick a segment's lane from its name, its text and its numbers, by weighted votes.

Each table row below is one piece of evidence a retention lead would use: a word in the
operator's own segment name (strongest), a behaviour phrase in the segment's text, or a number
past a threshold. Every row that fires adds its weight to its lane; the lane with the most
weight wins, and `evidence["lane"]` names the rows that decided it. Name words are also matched
tolerantly (rapidfuzz, for typos such as "subscibers" or "Collecters"), only when no word matched
exactly, so the exact path costs nothing extra.
"""

from __future__ import annotations

import re
from functools import lru_cache

_I = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# lane -> words in the segment NAME (weight 3). Multilingual and shop-talk forms.
NAME_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dormant", _rx(r"dormant|lapsed|inactiv\w*|churned|churners?|cancell?ed|canceled|cancell?ers?|sleep\w*|asleep|hibernat\w*|win-?back|gone quiet|quiet|dormid\w*"
                    r"|schlafend\w*|verloren|ex[- ]\w+|former|lost|expired|uninstall\w*|沉睡|休眠|流失|睡着|睡著|已取消|取消|不活跃|不活躍|未購|未购|沒買|没买|未下單|未下单")),
    ("at_risk", _rx(r"at[- ]risk|lapsing|slipping|cooling|skipp\w*|paus\w*|\bdue\b|overdue|late|non[- ]?completers?|stalled|暂停|暫停|風險|风险|待回购|該回購")),
    ("return_risk", _rx(r"returners?|\breturns?\b|refund\w*|high[- ]returns?|bracket\w*|multi[- ]?(?:size|talla|taille)s?|serial|高退貨|高退货|退貨|退货|退款")),
    ("new", _rx(r"\bnew\b|\bnewbies?\b|first[- ]?(?:time|timers?|order|purchase)|newcomers?|recently acquired|\btrials?\b|in trial|starters?|welcome"
                r"|nuev[oa]s?|\bneu\w*|erstkäufer|sampler|taster|explorers?|discovery|\bfirst\b|1st|tiktok|viral|influencer|spike|beginners?|starters?|rookies?|newbies?|probador\w*|新客|首单|首單|首購|首购|新会员|新會員|新用户|尝鲜|嘗鮮|试用|試用|体验|體驗")),
    ("one_time", _rx(r"one[- ]?time|one[- ]and[- ]done|\bonce\b|una[- ]vez|einmal|une seule fois|une fois|nur einmal|gelegenheit\w*|散客|single|one[- ]?off|one[- ](?:bag|box|book|case|pair|item|jacket|bed)|1x"
                     r"|never reorder\w*|\bgift\w*|occasion\w*|seasonal|holiday|xmas|christmas|\bsympathy\b|registry|一次性|只买一次|只買一次|单次|單次|送禮|送礼|禮品|礼品|節日|节日|節慶|节庆|中秋|聖誕|圣诞")),
    ("subscriber", _rx(r"subscri\w*|\bsubs?\b|auto-?ship|autoship|subscribe|membership|\bclub\b|recurring|refill|\bplans?\b|weekly box|monthly box"
                       r"|suscri\w*|abo\w*|訂閱|订阅|周订|週訂|月订|月訂|定期|会员订|訂購會員")),
    ("vip", _rx(r"\bvips?\b|top[- ]?spenders?|big spenders?|whales?|high[- ]value|key accounts?|strategic|champions?|insiders?|\btop\b(?!-up)|reserve"
                r"|premium|elite|platinum|gold|collectors?|collecters?|corporate|enterprise|\bplus\b|黑卡|金卡|貴賓|贵宾|高价值|高價值|大客户|大客戶")),
    ("price_sensitive", _rx(r"discount\w*|deal\w*|bargain\w*|coupon\w*|price[- ]sensitive|promo\w*|\bsale\b|clearance|markdown|outlet|rebajas|descuento\w*"
                            r"|oferta\w*|rabatt\w*|soldes|chasseu\w*|cazador\w*|schnäppchen\w*|折扣|优惠|優惠|券|促销|促銷")),
    ("loyal", _rx(r"loyal\w*|regulars?|repeat\w*|returning|\bcore\b|\bpower\b|\bfans?\b|\bactive\b|一般|普通|multi[- ]?buyers?|heavy|habitual|daily|weekly|frequent"
                  r"|enthusiasts?|gearheads?|\brats?\b|stackers?|swappers?|stockists?|full[- ]price|stamm\w*|fidèles?|fideles|habitu\w*|recurrentes?|treue|老客|熟客|回头客|回頭客|忠實|忠实|常客|高频|高頻")),
)
# lane -> behaviour phrases in the segment's TEXT (weight 2).
TEXT_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dormant", _rx(r"\b(?:no (?:order|purchase)s?|nothing|haven'?t (?:ordered|bought|purchased)|not (?:ordered|bought)|sin pedido|没买|沒買|未下单|未下單)\b.{0,25}\b(?:in|for|since|hace|over)\b"
                    r"|used to (?:buy|order|reorder)|stopped (?:buying|ordering)|cancel+ed|uninstalled")),
    ("at_risk", _rx(r"skipp(?:ed|ing)|paused|overdue|past (?:their|the) (?:usual|normal) (?:cycle|gap)|about to churn|跳過|跳过")),
    ("return_risk", _rx(r"return (?:almost )?everything|returns? (?:rate )?(?:of )?(?:[4-9]\d)%|bracketing|(?:high|heavy) returns?|退貨率高|退货率高")),
    ("new", _rx(r"first (?:order|purchase)s? (?:in|within) (?:the )?(?:last|past)|joined (?:in )?the (?:last|past)|(?:in|from) the last \d+ ?(?:days|d|weeks)"
                r"|signed up|newest|just (?:bought|joined)|primer pedido|首单|首購")),
    ("one_time", _rx(r"(?:bought|buy|buys|ordered|purchased|opened) (?:only |just )?(?:once|1 (?:time|order))|(?:only|just) (?:1|one) (?:order|purchase)|one[- ]and[- ]done"
                     r"|(?:bought|buy|buys|ordered|purchased)\b[^.,;]{0,20}\bonce\b|never (?:came back|come back|reorder\w*|ordered again|bought again|return\w*)|no second (?:order|purchase)|thats it|that's it|and vanish|then vanish"
                     r"|once a year|1x (?:a|per) year|1 order|只買一次|只买一次|一次性|就沒回來|就没回来|没回来")),
    ("subscriber", _rx(r"subscription|subscribe|auto-?ship|monthly box|every (?:month|week|other week)|shipments?|renew\w*|\bchurn\b|recurring|訂閱|订阅|续费|續費")),
    ("vip", _rx(r"\b(?:our|the|are|=)\s+vips?\b|top \d+ ?% (?:by|of)|highest[- ]value|biggest spenders|(?:[3-9]\d|2[5-9])% of (?:revenue|rev|sales|gmv)|貴賓|贵宾")),
    ("price_sensitive", _rx(r"(?:only|mostly) (?:buy|buys|shop|shops|order|orders) (?:on|during|with|in) (?:sales?|discount|promo|a code)|wait(?:s|ing)? for (?:the |a )?(?:sale|discount|promo)"
                            r"|(?:[5-9]\d)% of (?:their |the )?orders (?:used|with|on|had)|coupon|markdown|clearance|用\s?code|折扣")),
    ("loyal", _rx(r"\bloyal\b|\bregulars?\b|re-?orders? every|buy every|every ~?\d+ ?(?:days|weeks)|\d+\+ orders|(?:\d|\d\.\d)x (?:a|per) (?:year|month)|full price|老客|熟客")),
)
# Number thresholds (lane, field, minimum, weight): evidence from the segment's own figures.
THRESHOLDS: tuple[tuple[str, str, float, float], ...] = (
    ("dormant", "days_since_last_order", 180, 2.5),
    ("at_risk", "days_since_last_order", 45, 1.5),
    ("return_risk", "return_rate_pct", 35, 2.5),
    ("price_sensitive", "discount_order_share_pct", 50, 2.5),
    ("vip", "revenue_multiple", 2.5, 2.5),
    ("subscriber", "monthly_churn_pct", 0.01, 1.5),
    ("loyal", "orders_per_year", 3, 1.5),
    ("loyal", "repeat_rate_pct", 50, 1.5),
    ("loyal", "cycle_short", 1, 1.0),
)
VIP_MAX_CUSTOMER_SHARE = 25.0
# Ties go to the earlier lane: lifecycle state first (a lapsed VIP needs winning back first).
_ORDER = ("dormant", "at_risk", "return_risk", "new", "subscriber", "one_time", "price_sensitive", "vip", "loyal")
_FUZZY_WORDS = {
    "subscriber": ("subscriber", "subscribers", "subscription"),
    "vip": ("collectors", "collector", "champions", "insiders"),
    "loyal": ("loyalists", "regulars", "repeaters", "returning"),
    "dormant": ("dormant", "inactive", "lapsed", "churned", "cancelled"),
    "one_time": ("onetime", "single", "oneoff"),
    "price_sensitive": ("discount", "bargain", "clearance", "coupon"),
}
_FUZZY_CUTOFF = 85


@lru_cache(maxsize=4096)  # names repeat across blocks and calls; the answer depends on the name only
def lane_from_name(name: str) -> tuple[str, str] | None:
    """The lane the segment's own name points to, with the word that said so (None: no word)."""
    votes = _name_votes(name)
    if not votes:
        return None
    lane = min(votes, key=lambda key: (-votes[key][0], _ORDER.index(key)))
    return lane, votes[lane][1]


def classify_lane(name: str, text: str, metrics: dict[str, float]) -> tuple[str, str]:
    """(lane, why): weighted votes from name words, text phrases and number thresholds."""
    votes: dict[str, list] = {lane: [weight * 3, f"name '{name}' says '{word}'"] for lane, (weight, word) in _name_votes(name).items()}
    for lane, pattern in TEXT_PHRASES:
        match = pattern.search(text)
        if match:
            entry = votes.setdefault(lane, [0.0, f"notes say '{match.group(0)}'"])
            entry[0] += 2
    numbers = dict(metrics)
    customer_share, revenue_share = metrics.get("customer_share_pct"), metrics.get("revenue_share_pct")
    if customer_share and revenue_share is not None and customer_share <= VIP_MAX_CUSTOMER_SHARE:
        numbers["revenue_multiple"] = revenue_share / customer_share
    cycle = metrics.get("repurchase_cycle_days")
    if cycle is not None and 0 < cycle <= 120:
        numbers["cycle_short"] = 1
    for lane, field, minimum, weight in THRESHOLDS:
        value = numbers.get(field)
        if value is not None and value >= minimum:
            why = (f"{customer_share:g}% of customers bring {revenue_share:g}% of revenue" if field == "revenue_multiple"
                   else f"reorders every {cycle:g} days" if field == "cycle_short" else f"{field} {value:g}")
            entry = votes.setdefault(lane, [0.0, why])
            entry[0] += weight
    if not votes:
        return "other", "no lane word or threshold matched"
    lane = min(votes, key=lambda key: (-votes[key][0], _ORDER.index(key)))
    return lane, votes[lane][1]


@lru_cache(maxsize=4096)
def _name_votes(name: str) -> dict[str, tuple[float, str]]:
    votes: dict[str, tuple[float, str]] = {}
    for lane, pattern in NAME_WORDS:
        match = pattern.search(name)
        if match and lane not in votes:
            votes[lane] = (1.0, match.group(0))
    if votes:
        return votes
    tokens = [token.replace("-", "") for token in re.findall(r"[a-z][a-z-]{4,}", name.lower())]
    if not tokens:
        return votes
    from rapidfuzz import fuzz, process  # lazy: only names no exact word matched pay the import

    for lane, words in _FUZZY_WORDS.items():
        for token in tokens:
            best = process.extractOne(token, words, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if best and token not in best[0] and best[0] not in token:  # "active" is not a typo of "inactive"
                votes[lane] = (0.9, token)
                break
    return votes
