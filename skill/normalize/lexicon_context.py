"""Vocabulary of the whole-note readers, as data: rules, the stated worry, the business and how it runs.

A retention lead can review every row here without reading the code that uses it:

- constraints: discount caps (with the number they carry), "no discounts", contract pricing,
  channel bans and "X only" channel lists, free-product bans, and text that tries to steer the
  tool (never obeyed);
- the main tension: worry/problem labels, verdicts ("returns are killing us") and behaviour
  described as a problem ("people buy once and vanish"), and the topic words that name each
  tension;
- the business category: canonical categories (specific rows first) and the phrases that state
  what the business sells;
- operating context and business signals: team size, who owns the customer, app / referral /
  loyalty programme, NPS, CAC trend, upgrade / attach / unsubscribe rates, seasonality, when
  subscribers cancel and order gaps that grow.

Patterns are compiled once at import. None nests unbounded repeats: every repeat of a group is
bounded ({0,6}) and every free-text window has a fixed width, so a 50,000-character note reads in
linear time.
"""

from __future__ import annotations

import re
from functools import lru_cache

_I = re.IGNORECASE


def _rx(pattern: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def has_any(lowered: str, stems: tuple[str, ...]) -> bool:
    """A cheap first look: a lower-cased text with none of these substrings cannot match the family."""
    return _stems_pattern(stems).search(lowered) is not None


@lru_cache(maxsize=256)
def _stems_pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    """One literal alternation per stem list: a single scan instead of one `in` test per stem."""
    return re.compile("|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True)))


def _alt(words: tuple[str, ...] | list[str]) -> str:
    return "(?:" + "|".join(words) + ")"


# --- numbers --------------------------------------------------------------------------------------
# The reader gets lines whose numbers are already in digits (prepare.spell_numbers); these few
# words are a fallback for text that did not go through that stage.
NUMBER_WORDS: dict[str, float] = {
    "five": 5, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "twenty-five": 25, "twenty five": 25,
    "thirty": 30, "thirty-five": 35, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
}
_NUMBER = r"(?P<n>\d{1,3}(?:\.\d{1,2})?(?!\d|\.\d)|\b" + _alt(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"\b)"
_UNIT = r"(?P<u>\s?%|\s?(?:percent|per cent|pct|por ciento|prozent)\b)?"
PCT = r"(?<![A-Za-z\d.,$€£¥])" + _NUMBER + _UNIT
# A bare number (no % sign) is a cap only when nothing but these words follow it.
BARE_TAIL_OK = _rx(r"\s*(?:$|[).,;:!?(\[—–-]|(?:off|discounts?|promos?|for|on|across|total|sitewide|max|maximum|cap|founder|per ?cent|and|or|but)\b)")

# --- discount caps --------------------------------------------------------------------------------
# A sentence must be about price reductions at all (or sit in a rules section) before a cap is read from it.
DISCOUNT_STEMS = ("off", "disc", "remise", "réduction", "rabais", "deeper", "deepest", "full price", "full-price", "promo", "coupon", "code", "markdown", "sale", "deal", "rebaja", "descuento", "rabatt", "折", "優惠", "优惠",
                  "減價", "减价", "促銷", "促销")
_NEG = r"(?:no|not|never|nothing|nada|nunca|don'?t|dont|do not|doesn'?t|does not|won'?t|wont|will not|can'?t|cant|cannot|can not|shouldn'?t|should not|mustn'?t|must not|isn'?t|aren'?t|may not)"
_MORE = r"(?:deeper|bigger|larger|greater|more|higher|over|above|beyond|past|exceed(?:ing|s)?|steeper|in excess of|más)"
_CAP_WORD = r"(?:cap(?:ped|s)?|limit(?:ed|s)?|max(?:ed(?: out)?|imum|imo|ima)?|máxim[oa]|ceiling|top(?:ped|s)? out|tope)(?![a-z])"
_CAP_FILLER = (
    r"(?:for|on|of|at|to|is|are|be|any|all|the|our|a|an|every|each|going forward|from now on|discounts?|promos?|promotions?|"
    r"offers?|coupons?|codes?|off|descuentos?|de|pct|percent|sitewide|disc|rabatte?|remises?)"
)
# (name, pattern, a bare number without % is accepted, words one of which the sentence must
# contain before the pattern is tried). Each pattern's `n` group is the cap.
DISCOUNT_CAPS: tuple[tuple[str, re.Pattern[str], bool, tuple[str, ...]], ...] = (
    # "no discounts over 15 percent", "Discounts never go past 10%", "nothing above 10% off",
    # "we can't do more than 10% off", "don't stack beyond 15% total", "no más de 20%"
    ("not beyond", _rx(rf"\b{_NEG}\b(?:\s+[\w'&-]+){{0,6}}?\s+{_MORE}\s+(?:than\s+|de\s+|an?\s+)?(?:about\s+|around\s+|~\s?)?" + PCT), False, ("no", "not", "never", "nothing", "nada", "nunca", "n't", "nt ", "cannot", "can not", "may not", "must not", "will not", "should not", "do not", "does not")),
    # "discounts capped at 15", "Cap for any promo going forward: 15%", "max_discount: 10%", "promos max 10%"
    # "Rabatte höchstens 8 %", "discounts at most 40%", "pas plus de 30 % de remise"
    ("at most", _rx(r"\b(?:discounts?|disc|promos?|promotions?|codes?|rabatte?|remises?|réductions?|descuentos?)\s+(?:at most|höchstens|maximal|max\.?|au maximum|como máximo)\s+" + PCT), False, ("at most", "höchstens", "maximal", "max", "maximum", "máximo")),
    ("pas plus de", _rx(r"\b(?:pas plus de|jamais plus de|nicht mehr als|nie mehr als|no más de)\s+" + PCT), False, ("plus de", "mehr als", "más de")),
    ("capped at", _rx(rf"\b{_CAP_WORD}(?:[\s_.:=-]+{_CAP_FILLER}\b){{0,6}}[\s:=~]*(?:about\s+|around\s+|of\s+)?" + PCT), True, ("cap", "limit", "max", "máxim", "ceiling", "top", "tope")),
    # "discounts over 30% need CEO sign-off": anything deeper needs an approval, so the cap is 30
    ("over needs approval", _rx(r"\b(?:discounts?|promos?|promotions?|codes?|offers?)\s+(?:over|above|beyond|deeper than|bigger than)\s+" + PCT + r"\s*(?:off\s+)?(?:need|needs|require|requires|must get|must be approved|have to be approved)\b"), False, ("need", "require", "approv")),
    # "discounts are fine up to 15 percent", "disc ok up to 20%", "we can do promos up to 10%"
    ("allowed up to", _rx(
        r"\b(?:fine|ok|okay|allowed|acceptable|permitted|can (?:do|go|offer|give|run)|happy to (?:do|go|offer)|se puede|podemos)\b"
        r"(?:\s+[\w']+){0,4}?\s+(?:up to|upto|at most|as much as|hasta)\s+(?:un\s+)?" + PCT), False, ("up to", "upto", "at most", "as much as", "hasta")),
    # "20% off is the max I'll ever do", "15% off is the hard cap"
    ("is the max", _rx(PCT + r"\s*(?:off\s+)?(?:is|as|=)\s+(?:the\s+|our\s+|my\s+)?(?:hard\s+|absolute\s+|strict\s+)?(?:max(?:imum)?|cap|ceiling|limit|rule|most (?:we|i)(?:'ll| will| can)? (?:do|go|give|offer))\b"), False, ("max", "cap", "ceiling", "limit", "most", "rule")),
    # "discounts stay at 15% max", "20% off tops"
    ("n% max", _rx(PCT + r"\s*(?:off\s+)?(?:max(?:imum)?|tops|at most|at the most|cap|hard cap)\b"), False, ("max", "tops", "at most", "at the most", "cap")),
    # "biggest code we'll run from now on is 20%", "deepest discount we allow: 25%"
    ("biggest is", _rx(r"\b(?:biggest|deepest|largest|highest|steepest)\s+(?:discount|code|promo|promotion|offer|coupon|markdown)s?\b(?:\s+[\w']+){0,6}?\s*(?:is|=|:|would be|will be|we allow is)\s+(?:about\s+|around\s+)?" + PCT), False, ("biggest", "deepest", "largest", "highest", "steepest")),
    # "keep discounts at or under 15%", "discounts must stay under 15%", "must not exceed 20%"
    ("keep under", _rx(r"\b(?:keep|keeping|stay|staying|remain|hold|be|must|should)\s+(?:[\w']+\s+){0,3}?(?:at or (?:under|below)|under|below|within|<=?|≤|no higher than|at most|not exceed|never exceed)\s+" + PCT), False, ("under", "below", "within", "<", "≤", "higher than", "at most", "exceed")),
    # "we already do 15% for members, we shouldn't go higher than that"
    ("not higher than that", _rx(PCT + r"[^.;\n]{0,60}?\b(?:shouldn'?t|should not|won'?t|will not|can'?t|cannot|never|don'?t|do not|mustn'?t|must not)\s+(?:go|get|be|run|do|push)\s+(?:any\s+)?(?:higher|deeper|bigger|above|beyond|further|more)\b"), False, ("higher", "deeper", "bigger", "above", "beyond", "further", "more")),
    # Chinese: "折扣不超過 15%", "折扣上限 15%", "最多 20%"
    ("zh cap", _rx(r"(?:折扣|優惠|优惠|促銷|促销|打折)?\s*(?:最多|最高|頂多|顶多|上限|封頂|封顶|不超過|不超过|不能超過|不能超过|不得超過|不得超过|不可超過|不可超过)\s*(?:為|为|是|:|：)?\s*(?:打\s*)?" + PCT), False, ("最", "上限", "封", "超")),
)
# Chinese price notation: pay 8 折 = 80% of the price = 20% off; 85 折 = 15% off; 7 折 = 30% off.
DISCOUNT_ZHE = _rx(
    r"(?:最低|不低於|不低于|最多打|頂多打|顶多打|最多只能打|只能打|最多|最低打|頂多|顶多|不超過|不超过|上限|封頂|封顶|至少)\s*(?:打\s*)?(\d{1,2}(?:\.\d)?)\s*折"
)
# "No discounts", "we never discount", "we cannot discount new books at all": a 0% cap.
NO_DISCOUNTS = _rx(
    r"\bwe\s+(?:don'?t|dont|do not|never|can'?t|cannot|won'?t)\s+(?:ever\s+)?(?:offer|do|run|give|use)?\s*(?:any\s+)?(?:discounts?|discounting|promos?|promotions?|coupons?|sales)\b(?!\s+(?:over|above|beyond|deeper|more|bigger|higher|past|on top))"
    r"|\b(?:we\s+)?never\s+discount\w*|\bwe\s+(?:don'?t|dont|do not)\s+discount\b|\b(?:can'?t|cannot|can not|not allowed to|may not|aren'?t allowed to)\s+discount\b"
    r"|(?<![(\w])(?<!almost )(?<!nearly )(?<!with )(?<!without )\bno\s+(?:ad[- ]hoc\s+|new\s+|extra\s+|other\s+|more\s+)?(?:discounts?|discounting|promos?|promo codes?|coupons?|markdowns?)\b"
    r"(?!\s*(?:over|above|beyond|deeper|more|bigger|higher|past|greater|exceed|stack|codes?\s+used|used|usage|applied|redeemed|on their))"
    r"|\bdiscount(?:s|ing)?\s*[:=]\s*(?:none|no|never|not allowed|0\s?%)(?=\s*(?:$|[.,;)]))"
    r"|\b(?:nunca|no)\s+(?:hacemos|damos|ofrecemos)\s+descuentos|\bsin\s+descuentos|\bkeine\s+rabatte"
    r"|\b(?:full[- ]price only|only (?:ever )?(?:sell )?(?:at )?full[- ]price|always full[- ]price)\b"
    r"|不打折|不能打折|不做折扣|不給折扣|不给折扣|從不打折|从不打折|不做促銷|不做促销|無折扣|无折扣"
)
# Contract prices for the whole business: a 0% cap plus a note (account plays stay open).
CONTRACT_PRICING = _rx(
    r"\bcontract(?:ed|ual)?\s+pric(?:e|es|ing)\s+only\b|\bonly\s+contract(?:ed|ual)?\s+pric\w*"
    r"|\bpric(?:es|ing)\s+(?:is|are)\s+(?:set|fixed|locked)\s+(?:by|in)\s+(?:the\s+|our\s+)?contracts?\b"
    r"|\b(?:all|every)\s+(?:accounts?|customers?|clients?)\s+(?:are\s+|is\s+)?on\s+contract(?:ed)?\s+pric\w*"
    r"|(?:cannot|can'?t|can not|not allowed to|unable to|may not|won'?t)\s+(?:offer|give|do)\s+(?:any\s+)?(?:discounts?|promos?|price breaks?)\s+(?:beyond|outside|below|other than|on top of)\s+(?:the\s+|our\s+|their\s+)?contract\w*"
    r"|\bsolo\s+precios\s+(?:por|de)\s+contrato\b|只按合同價|只按合同价|合約價|合约价"
)
CONTRACT_NOTE = "discounts only within contracted pricing (read as max_discount_pct 0: no promotional discounts)"

# --- channels -------------------------------------------------------------------------------------
# Words that name each channel a plan can use (the schema's Channel values).
CHANNEL_WORDS: tuple[tuple[str, str], ...] = (
    ("sms", r"sms|mms|texts?|text messages?|text messaging|texting|簡訊|简讯|短信|短訊|短讯"),
    ("direct_mail", r"direct[- ]mail(?:ers?|ings?)?|mailers?|postcards?|catalou?gs?|catalogues?|print(?:ed)? mail(?:ings?)?|printed mailings?|snail mail|postal mail|flyers?|leaflets?|werbebriefe?|briefwerbung|per post|courriers?|publipostage|correo postal|buzoneo|直邮|直郵|郵寄|邮寄|(?:(?<=by )|(?<=via )|(?<=the ))post\b(?!s| on| about)|實體郵件|实体邮件|明信片|型錄|型录"),
    ("push", r"push(?: notifications?| notifs?| messages?|(?!\s+(?:discounts?|sales?|promos?|products?|them|it|hard|back|for|the|our|people|customers|upsells?|prices?)\b))|app notifications?|推播|推送"),
    ("email", r"e-?mails?|newsletters?|edm|電子報|电子报"),
    ("paid_media", r"paid (?:media|ads|advertising|social|search|acquisition)|ads|advertising|retargeting|remarketing|(?:meta|facebook|google|tiktok) ads|ppc|anuncios|publicidad|廣告|广告|投放"),
    ("onsite", r"pop-?ups?|on-?site (?:messages|popups)"),
    ("community", r"community|facebook groups?|discord"),
)
CHANNEL_WORD = {channel: _rx(rf"(?:{words})") for channel, words in CHANNEL_WORDS}
_CH = _alt([words for _channel, words in CHANNEL_WORDS])
_CH_LIST = rf"(?:{_CH})(?:\s*(?:,|/|&|\+|or|and|nor|y|o)\s*(?:the\s+)?(?:{_CH})){{0,4}}"
CHANNEL_STEMS = ("sms", "mms", "text", "mail", "post", "catalo", "flyer", "leaflet", "push", "newsletter", "edm", "paid", "ads", "advertis",
                 "retarget", "remarket", "ppc", "anuncio", "publicidad", "community", "facebook", "discord", "pop", "phone", "numbers",
                 "app", "only", "through", "via", "簡訊", "简讯", "短信", "短訊", "短讯", "郵", "邮", "dm", "明信片", "型錄", "型录", "推播",
                 "推送", "電子報", "电子报", "廣告", "广告", "投放", "唔")
_BAN_NEG = (
    r"(?:no|not|never|nothing|don'?t|dont|do not|doesn'?t|does not|didn'?t|can'?t|cant|cannot|can not|won'?t|wont|without|avoid|zero|"
    r"stop(?:ped|ping)?|quit|dropped|ban(?:ned)?|shouldn'?t|mustn'?t|unable to|nada de|sin|nunca|prohibido|ni|pas de|pas d'|aucune?|kein(?:e[nrs]?)?|ohne)"
)
_BAN_FILLER = (
    r"(?:do|does|doing|send|sending|sent|use|using|any|more|run|running|allowed to|allowed|allow|let|lets|us|to|via|by|through|over|"
    r"marketing|market|contact|contacting|reach|reaching|customers|buyers|clients|members|people|them|plans?|for|we|our|have|has|had|"
    r"got|budget|money|consent|permission|want|need|a|an|the|new|further|really|even|go|goes|going|printed|out|permitted|get|suggest|afford|"
    r"propose|recommend|bother with|bother|do any|spend on|pay for|invest in|mandar|enviar|usar|hacer|de|el|los|anything|something|masivo|envoi)"
)
# (channel or None for "every channel in the list", pattern). The list group holds the channel words.
CHANNEL_BANS: tuple[re.Pattern[str], ...] = (
    # "no SMS", "we stopped texting", "we dont have any budget for direct mail", "cannot email or text buyers"
    _rx(rf"\b{_BAN_NEG}\b(?:\s+{_BAN_FILLER}\b){{0,5}}\s*(?P<list>{_CH_LIST})\b(?!\s+(?:[\w']+\s+){{0,2}}?(?:enough|often|much|regularly|consistently|yet|well|as much)\b)"),
    # "Postcards are off-limits", "SMS is out", "SMS is off the table"
    _rx(rf"\b(?P<list>{_CH_LIST})\s+(?:is|are|=)\s+(?:also\s+|totally\s+|completely\s+|strictly\s+)?(?:off[- ]limits|off the table|not allowed|banned|forbidden|prohibited|not an option|a no-?go|out|off|not possible|not permitted|dead|a no)\b"),
    # "treat SMS as off"
    _rx(rf"\b(?:treat|consider|count)\s+(?P<list>{_CH_LIST})\s+as\s+(?:off|banned|out|unavailable|not an option|not allowed)\b"),
    # "SMS: no", "channels_banned: sms, push", "banned channels = sms"
    _rx(rf"\b(?P<list>{_CH_LIST})\s*[:=]\s*(?:no|none|off|banned|not allowed|never|n)\b(?!\s*(?:limit|cap))"),
    _rx(rf"(?:channels?[ _.-]?(?:banned|blocked|excluded|off)|(?:banned|blocked|excluded|no)[ _.-]?channels?)\s*[:=]\s*(?P<list>{_CH_LIST})"),
    # Chinese: "不發簡訊", "SMS 不要再发了", "不做 DM"
    _rx(rf"(?:不|不能|不可|禁止|不要|不會|不会|沒有|没有|不做|不用|別|别|唔好|唔可以|唔會|唔会|唔用|唔做|冇)\s*(?:再)?\s*(?:預算|预算|錢|钱|經費|经费)?\s*(?:發|发|傳|传|用|使用|做|寄|投)?\s*(?P<list>{_CH_LIST}|DM)"),
    _rx(rf"(?P<list>{_CH_LIST})\s*(?:不要|不能|別|别|不再|禁止|不可|不用|唔好|唔可以|唔用)"),
)
# No phone numbers -> no SMS; no app -> no push.
NO_PHONE_NUMBERS = _rx(
    r"\b(?:no|don'?t have|dont have|do not have|never collected|didn'?t collect|haven'?t collected|without|don'?t collect)\s+(?:[\w']+\s+){0,3}?(?:phone|mobile|cell)(?: numbers?)?\b"
    r"|\bnever collected (?:their )?numbers\b|\bno (?:sms|text) (?:consent|opt-?ins?)\b"
)
NO_APP = _rx(
    r"\b(?:no|without an?|we have no|there'?s no)\s+(?:mobile\s+|native\s+|own\s+)?app\b(?!-)|\b(?:don'?t|dont|do not|doesn'?t)\s+have\s+(?:an?\s+|our own\s+)?(?:mobile\s+|native\s+)?app\b"
    r"|沒有\s?app|没有\s?app|沒有\s?APP|没有\s?APP"
)
HAS_APP = _rx(
    r"\b(?:we have|we've got|there'?s|we run|we built)\s+(?:an?|the|our)\s+(?:\w+\s+)?app\b|\bour (?:mobile |own )?app\b|\bin-app\b|\bapp (?:members?|users|membership|subscribers|push|notifications|store rating)\b"
)
# "X is fine", "email + sms both fine", "(not banned tho)": a channel the rule does not ban.
CHANNEL_ALLOWED = _rx(
    rf"\b(?P<list>{_CH_LIST})\s+(?:(?:is|are|both|all)\s+)?(?:also\s+|totally\s+|still\s+)?(?:fine|ok|okay|allowed|good|great|available|permitted|open|work|works|working)\b"
    r"|\bnot banned\b|\bnot off[- ]limits\b"
)
ALLOWED_STEMS = ("fine", "ok", "allowed", "good", "great", "available", "permitted", "open", "work", "not banned", "not off")
PHONE_STEMS = ("phone", "mobile", "cell", "numbers", "consent", "opt")
USED_STEMS = ("through", "via", "goes")
# "email only", "Email + IG only", "we only use email and SMS": the only channels there are.
ONLY_WORDS: tuple[tuple[str | None, str], ...] = (
    ("email", r"e-?mails?|newsletters?|edm"),
    ("sms", r"sms|texts?|texting"),
    ("push", r"push(?: notifications?)?"),
    ("direct_mail", r"direct[- ]mail|postcards?|mail"),
    ("community", r"(?:the\s+)?community(?: events)?|events|discord|facebook groups?"),
    ("account_manager", r"account managers?|\bams?\b|key account managers?|sales reps?|reps|(?:the\s+)?trade team"),
    ("support", r"support|customer service"),
    ("onsite", r"in-?app(?: messages)?|on-?site"),
    (None, r"ig|instagram|social|tiktok|whatsapp|wechat|line|phone|calls?|word of mouth|seo|organic"),
)
ONLY_WORD = tuple((channel, _rx(rf"^(?:{words})$")) for channel, words in ONLY_WORDS)
_ONLY_CH = _alt([words for _channel, words in ONLY_WORDS])
_ONLY_LIST = rf"(?:{_ONLY_CH})(?:\s*(?:,|/|&|\+|and|or|plus)\s*(?:the\s+|our\s+)?(?:{_ONLY_CH})){{0,4}}"
ONLY_SPLIT = _rx(r"\s*(?:,|/|&|\+|\band\b|\bor\b|\bplus\b)\s*(?:the\s+|our\s+)?")
CHANNELS_ONLY: tuple[re.Pattern[str], ...] = (
    _rx(rf"\b(?P<list>{_ONLY_LIST})\s*(?:-|\s)only\b(?!\s+(?:gets?|got|works?|drives?|brings?|accounts?|makes?|converts?|has|had|reaches?|did|does|generates?|is|was|sees?|saw|delivers?|opens?|clicks?)\b)"),
    _rx(rf"\bonly\s+(?:use|have|do|send|run|via|through|by|reach (?:customers|them|people) (?:by|via|through)|contact (?:them|customers) (?:by|via|through))\s+(?:their\s+)?(?P<list>{_ONLY_LIST})\b"),
    _rx(rf"\b(?P<list>{_ONLY_LIST})\s+(?:is|are)\s+(?:our|the)\s+only\s+(?:channels?|way)\b"),
    _rx(rf"\bonly\s+(?P<list>{_ONLY_LIST})(?=\s*(?:[.;!,)]|$))"),
)
# "We work through account managers + email": the channels the business uses (not a ban).
CHANNELS_USED = _rx(rf"\b(?:we\s+(?:work|sell|go)\s+(?:through|via)|everything goes through|all (?:contact|outreach) (?:is|goes) (?:via|through))\s+(?P<list>{_ONLY_LIST})\b")
# Downstream channels an "X only" list rules out when it does not name them.
ONLY_EXCLUDES = ("email", "sms", "push", "direct_mail")

# A rule about one marketplace's buyers; it bans the channel for the whole business only when
# the business sells there alone (no own store in the notes).
MARKETPLACE = _rx(r"\b(?:amazon|etsy|ebay|walmart|marketplaces?|tiktok shop|zalando|mercado ?libre|rakuten|shopee|lazada|tmall|faire|wayfair)\b|天猫|天貓|淘宝|淘寶|京东|京東|蝦皮|虾皮")
OWN_STORE = _rx(
    r"\b(?:dtc|d2c|our (?:own )?(?:site|store|shop|website|webshop|web ?store|online (?:store|shop)|list|newsletter|email list)|own (?:store|site|shop|website|list)"
    r"|shopify store|website|webshop|web shop|online (?:store|shop)|sell\w*\s+(?:[\w-]+\s+){0,4}?online)\b"
)

# --- free product ---------------------------------------------------------------------------------
_FREE_THINGS = (
    r"(?:products?|gifts?|samples?|giveaways?|items?|units?|goods|merch\w*|bottles?|boxes|box|months?|trials?|bags?|packs?|sets?|stuff|"
    r"vases?|meals?|kits?|add-?ons?|minis?|sizes?|accessories)"
)
NO_FREE_PRODUCT = _rx(
    rf"\b(?:no|not|never|stop(?:ped)?)\s+(?:more\s+|any\s+|other\s+|further\s+)?(?:free|complimentary|bonus)[\s-]+(?!shipping|delivery|returns?\b|exchanges?|consult\w*|wifi|advice|content|webinars?|resources|guides?|tools?\b|workshops?|downloads?|trials?\b(?!\s+(?:months?|boxes?|packs?|sizes?)))[\w-]+"
    r"|\bno\s+(?:more\s+|product\s+)?(?:freebies|giveaways?|gwp|gifts?[- ]with[- ](?:purchase|orders?)|samples|sampling|testers|minis)\b|\bno\s+(?:more\s+)?free\s+gifts?\b"
    r"|\b(?:freebies|giveaways|gwp|gifts?[- ]with[- ]purchase|free (?:products?|gifts?|samples?|items?|bottles?|boxes|months?))\s+(?:are|is)\s+(?:off[- ]limits|not allowed|banned|forbidden|a no-?go|out)\b"
    r"|\bstop(?:ped)?\s+(?:the\s+|our\s+|doing\s+|all\s+)?(?:freebies|giveaways|gwp|gifts?[- ]with[- ]purchase|free (?:gifts?|samples?|products?))"
    r"|\b(?:can'?t|cannot|can not|don'?t|dont|do not|won'?t|never|not allowed to|unable to)\s+give\s+(?:[\w-]+\s+){0,2}?away\b"
    r"|\b(?:can'?t|cannot|don'?t|do not|won'?t|never)\s+(?:give|send|offer|do|include)\s+(?:away\s+)?(?:any\s+)?(?:free\s+(?:[\w-]+\s+)?{things}|products?\s+(?:away|for free)|freebies|giveaways|gifts? with purchase)".replace("{things}", _FREE_THINGS)
    + r""
    r"|\bnada de (?:regalos|muestras gratis|productos gratis)|\bsin regalos|\bnada de [\w ]{1,24}?gratis\b|\bsin [\w ]{1,24}?gratis\b"
    r"|\bkein(?:e|en)?\s+(?:gratis|kostenlos)[\w-]*|\bkeine\s+(?:geschenke|zugaben?)\b|\bpas de (?:cadeaux?|produits? (?:offerts?|gratuits?)|[\w-]+ (?:offerts?|gratuits?))\b"
    r"|不(?:能|可以|可|要)?送\s*[^，。,；;]{0,8}?(?:當|当|作為|作为)?(?:贈品|赠品)|不(?:能|可以|可|要)?送\s*(?:免費|免费)|不(?:能|可以|可)?送(?:小樣|小样|試用|试用)"
    r"|不(?:給|给|提供)(?:贈品|赠品|試用品|试用品|免費|免费)|禁止(?:贈品|赠品)|無贈品|无赠品|沒有贈品|没有赠品"
    r"|唔(?:好|可以|能|會|会)?送\s*[^，。,；;]{0,8}?(?:做|當|当)?(?:贈品|赠品)|冇(?:贈品|赠品)"
)
# "Free samples in the box are fine": a free offer the rule does not ban.
FREE_ALLOWED = _rx(r"\bfree\s+(?:[\w-]+\s+){0,4}?(?:are|is)\s+(?:fine|ok|okay|allowed|good)|\bfreebies? (?:are|is) (?:fine|ok)")
FREE_STEMS = ("free", "gratis", "kostenlos", "cadeau", "offert", "gratuit", "geschenk", "give", "gift", "gwp", "sampl", "tester", "minis", "complimentary", "bonus", "regalo", "muestra", "贈", "赠", "送", "試用", "试用")

# --- text that tries to steer the tool ------------------------------------------------------------
# (what it does, pattern): reported by the description only, never echoed, never obeyed.
INSTRUCTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("asks to ignore the stated rules", _rx(
        r"\bignore\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+|these\s+|those\s+)?(?:previous|prior|above|earlier|preceding|other|all|existing|following)?\s*(?:rules?|instructions?|constraints?|guidelines|prompts?|caps?|limits?|restrictions?)\b"
        r"|\bignore (?:all |everything )?(?:previous|prior|above)\b|\bdisregard\s+(?:the\s+|all\s+|any\s+|your\s+|previous\s+|prior\s+|above\s+){0,2}(?:rules|instructions|constraints|above|previous)\b|\bforget (?:your|all|the|previous) (?:rules|instructions)\b|忽略(?:之前|以上|先前|所有|上面)|無視|无视")),
    ("claims to be a system or admin instruction", _rx(
        r"^\W*system\s*:|\bsystem\s*(?:prompt|message|override)\b|\[system\]|<\|?system\|?>|\breveal (?:your|the) (?:prompt|instructions|system)|\bnew instructions?\b"
        r"|\bfrom the (?:admin|administrator|developer|system)\b|\byou are now\b|\bpretend (?:to be|you)\b|\bjailbreak\b|\bas an ai\b|\bdeveloper mode\b")),
    ("asks to remove or loosen a constraint", _rx(
        r"\b(?:remove|lift|drop|delete|disable|unset|override)\s+(?:all\s+|any\s+|the\s+|every\s+)?(?:discount\s+)?(?:caps?|constraints?|limits?|rules?|restrictions?)\b"
        r"|\bunban\b|\bset\s+constraints?\b|\bconstraints?\.\w+\s+to\s+(?:none|null|0|off)\b"
        r"|\b(?:cap|limit|constraint|restriction)s?\s+(?:is|are|has been|have been)\s+(?:removed|lifted|gone|cancelled|void)\b|取消(?:所有)?限制|解除限制")),
)
INSTRUCTION_STEMS = ("ignore", "disregard", "forget", "system", "prompt", "instruction", "admin", "developer", "you are now", "act as",
                     "pretend", "jailbreak", "as an ai", "remove", "lift", "drop", "delete", "disable", "unset", "override",
                     "unban", "constraint", "cap ", "caps ", "limit", "忽略", "無視", "无视", "限制")

# --- constraint sections and unenforceable rules ----------------------------------------------------
SECTION_RULES = _rx(
    r"^\W*(?:(?:hard|our|the|house|brand)\s+)?(?:constraints?|contraintes|rules?|règles|regeln|reglas|restrictions?|restricciones|einschränkungen|guardrails?"
    r"|limits|limitations|don'?ts|must nots?|policies|policy|限制|規則|规则|限制條件|限制条件|禁止)\b\s*[:：.-]?"
)
# A sentence that sets a rule the plan cannot enforce by machine still reaches constraints.other.
POLICY_CUE = _rx(
    r"\b(?:can'?t|cannot|can not|must|mustn'?t|not allowed|isn'?t allowed|aren'?t allowed|prohibited|forbidden|off[- ]limits|legal(?:ly)?|compliance|regulat\w*"
    r"|fda|ftc|gdpr|hipaa|pdpa|tos|terms of service|approval|approved by|required|brand (?:guidelines|rules|policy)|policy|we (?:don'?t|do not|won'?t|never) (?:offer|allow|do|run|use|send|give|make)"
    r"|only (?:via|through|by|use)|(?:must |everything )?goes? through|no (?:\w+ )?claims)\b|不能|不可|禁止|必須|必须|只能|不得|法規|法规"
)
RULE_NEGATION = _rx(r"\b(?:no|not|never|don'?t|dont|can'?t|cannot|must|only|nada|sin|nunca)\b|n'?t\b|不|禁止|只能")

# --- main tension: the operator's stated worry ------------------------------------------------------
# Words that name a tension inside a worry sentence; the one written first wins.
TENSION_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("churn", _rx(
        r"\bchurn\w*|\bcancel\w*|\bstop(?:s|ped)?\s+(?:re-?ordering|ordering|buying|renewing|paying)|\bgo(?:es|ne)?\s+quiet|\bdrop(?:s|ping)?\s+(?:off|out|after)"
        r"|\b(?:members|subscribers|subs|accounts|merchants)\s+(?:\w+\s+)?(?:leaving|leave)|\bcancelaciones|\bbajas\b|\babwanderung|\bkündigung\w*|\bdésabonnement\w*|\brésiliation\w*|流失|取消|退訂|退订|續訂率|续订率")),
    ("returns", _rx(
        r"\breturns?\b(?!\s+(?:for|customers?|buyers?))|\breturn rates?|\bserial return\w*|\breturners?\b|\bbracket\w*|\bsend(?:s|ing)? (?:it |them |things )?back"
        r"|\b(?:orders?|items?|pairs?|products?|parcels?|packages?|dresses|shoes|jackets|units)\s+(?:that\s+)?(?:come|came|coming|get sent|are sent)\s+back"
        r"|\bdevoluci\w*|\bdevuelven|\brefunds?\b|\bretours?\b|\bretouren\b|\brücksendungen\b|\brenvois?\b|退貨|退货|退款")),
    ("margin_quality", _rx(
        r"\bmargins?\b|\bgm\b|\bdiscount\w*|\bcoupons?\b|\bpromos?\b|\bpromotions?\b|\bclearance|\bmarkdowns?|\bfull price|\bbuying (?:revenue|sales|growth)"
        r"|\bgiving (?:margin|it) away|\bgiving away margin|\brebajas|\bdescuentos?|毛利|折扣|優惠|优惠|coupon")),
    ("aov", _rx(
        r"\baov\b|\bbaskets?\b|\border values?|\baverage order\b|\bbasket size|\bticket\b|\b(?:small|tiny) orders|\bpedidos\s+(?:son\s+)?(?:muy\s+)?(?:chiquitos|pequeños|chicos)"
        r"|客單價|客单价|客單|客单")),
    ("repeat_rate", _rx(
        r"\brepeat\w*|\bsecond[- ](?:order|purchase)|\b2nd[- ](?:order|purchase)|\bre-?orders?\b|\bre-?ordering\b|\brepurchase\w*|\bretention\b|\bcome back|\bcame back|\bcoming back"
        r"|\bbuy again|\border again|\bbuy(?:s)?\s+once|\border(?:s)?\s+once|\bonce and (?:done|gone|that'?s it|never)|\bvanish\w*|\bdisappear\w*|\bnever see (?:them|\w+) again"
        r"|\bnever (?:buy|order|return|purchase)\b|\bone[- ]and[- ]done|\bbuy(?:s)?\s+(?:one|a single)\b|\border(?:s)?\s+(?:one|a single)\b|\binvisible\b|\bsomewhere else|\belsewhere\b"
        r"|\bvolver a comprar|\bno vuelven|\brecompra\w*|回購|回购|复购|複購|買一次|买一次|消失|不回來|不回来|沒回來|没回来|唔見|不見|不见|嚟一次|來一次|来一次|一次就")),
)
WORRY_STEMS = ("worr", "concern", "problem", "prob", "issue", "headache", "pain", "challenge", "struggle", "night", "hurts", "the thing",
               "to fix", "preocupa", "sorge", "inquiét", "souci", "préoccup", "one thing", "問題", "问题", "擔心", "担心", "痛", "頭痛", "头痛", "困擾", "困扰", "煩惱", "烦恼")
GOAL_STEMS = ("goal", "focus", "priority", "objective", "aim", "want to", "need to", "trying to", "hoping to", "like to", "need more", "want more", "like more", "目標", "目标", "希望", "想")
# Words one of which a verdict or a behaviour needs (the tables below).
STATEMENT_STEMS = ("return", "churn", "cancel", "margin", "gm", "buying", "losing", "lose", "lost", "bleeding", "addicted", "hooked", "trained", "only", "just", "giving", "discount",
                   "too many", "aov", "average order", "order value", "basket", "ticket", "low", "small", "tiny", "pedidos", "repeat",
                   "repurchase", "retention", "reorder", "second", "2nd", "subscri", "subs", "members", "customers", "clients", "accounts",
                   "users", "merchants", "families", "people", "wait", "full price", "once", "vanish", "disappear", "never", "don", "rarely",
                   "won't", "seldom", "vuelven", "退", "流失", "毛利", "折扣", "coupon", "客單", "客单", "回購", "回购", "复购", "複購",
                   "買一次", "买一次", "消失", "回來", "回来", "回頭", "回头", "唔見", "不見", "不见")
# Worry and problem labels ("Main worry:", "the problem:", "Our problem is", "that's the real issue").
_WORRY = r"(?:worry|worries|concern|problem|prob|issue|headache|pain ?point|challenge|struggle)"
_TOPIC_NAME = r"(?:churn|returns?|margins?|discounts?|basket|aov|repeat|retention|reorder|cancellation)"
# (pattern, where the topic is): "after" the label ("Main worry: returns"), "before" it ("returns are
# the real problem", "AOV is what I want to fix"); a `topic` group names it ("our churn problem").
WORRY_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_rx(rf"\b(?:is|are|'s|remains?)\s+(?:a|the|our|my)\s+(?:real\s+|big\s+|huge\s+|major\s+|main\s+|biggest\s+|key\s+|serious\s+|whole\s+)?{_WORRY}\b(?!\s*(?:is|was|[:：—]))"), "before"),
    (_rx(rf"^\W*(?:the\s+|our\s+|my\s+|honestly\s+(?:the\s+)?|so\s+(?:the\s+)?)?(?:main[\s_]+|biggest\s+|core\s+|key\s+|real\s+|big\s+|top\s+|primary\s+|one\s+|only\s+)?(?P<topic>{_TOPIC_NAME}\s+)?{_WORRY}(?:\s+(?:though|here|now|really|honestly|for us|right now|today))?\s*(?:[:：=—]|-\s)"), "after"),
    (_rx(rf"\b(?:the|our|my|main|biggest|core|real|big|key|one|top|primary|only|actual|number one|#1)[\s_]+(?:(?P<topic>{_TOPIC_NAME})\s+|[\w-]+\s+)?{_WORRY}(?:\s+(?:though|here|now|really|honestly|for us|right now|today))?\s*(?:is|was|are|[:：—])"), "after"),
    (_rx(rf"\b(?:what'?s|what is)\s+(?:the|your|our)\s+(?:\w+\s+)?{_WORRY}\s*\?"), "after"),
    (_rx(rf"\b(?:that'?s|this is|which is|thats)\s+(?:it,?\s+that'?s\s+)?(?:the|our|my)\s+(?:real\s+|main\s+|big\s+|whole\s+|biggest\s+)?(?:(?P<topic>{_TOPIC_NAME})\s+)?{_WORRY}\b"), "before"),
    (_rx(rf"\b(?P<topic>{_TOPIC_NAME})\s+{_WORRY}\b"), "after"),
    (_rx(r"\bkeeps? me up at night\b|\bworries me\b|\b(?:i'?m|we'?re|i am|we are) (?:really |most )?worried about\b|\bwhat hurts (?:most|us)\b|\bthat'?s the thing\s*[:：]"
         r"|\b(?:thing|what) (?:i|we) (?:most )?(?:want|need) to fix\b"), "after"),
    (_rx(r"\b(?:is|are) what (?:i|we) (?:most )?(?:want|need) to fix\b"), "before"),
    (_rx(r"\b(?:nuestro|el|mi)?\s*(?:mayor|principal|gran)?\s*problema(?:\s+principal|\s+mayor)?\s*(?:es|:)|\b(?:me|nos) preocupa\b|\bdas problem ist\b|\bunsere sorge\b"
         r"|\b(?:größte|grösste|größten|unsere|meine|hauptsächliche)\s+sorge\s*(?:ist|:)|\b(?:notre|ma|la)\s+(?:principale\s+|plus grande\s+|grande\s+)?(?:inquiétude|souci|préoccupation)(?:\s+principale)?\s*(?:est|:)"
         r"|\b(?:had to|have to|could) (?:name|pick) one thing,? it'?s\b|\bthe one thing (?:i'?d|i would) fix\b"), "after"),
    (_rx(r"(?:最大|核心|主要|最|目前最大|現在最大|现在最大)的?(?:問題|问题|擔心|担心|痛點|痛点|頭痛|头痛|困擾|困扰|煩惱|烦恼)(?:的)?(?:是)?|(?:問題|问题|擔心|担心|痛點|痛点)\s*(?:是|[:：])"), "after"),
)
GOAL_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_rx(r"\b(?:main\s+|our\s+|my\s+|primary\s+|top\s+|the\s+|#1\s+)?(?:goal|focus|priority|objective|aim)(?:\s+(?:this|next|for (?:the|this|next))\s+(?:quarter|year|month|half)|\s+for\s+(?:q\d|h\d|\d{4}))?\s*(?:is|:|：|=)"), "after"),
    (_rx(r"\b(?:need|want|would like|'d like)\s+more\s+(?:people|customers|buyers|shoppers|of them|subscribers|members)\s+to\b"), "after"),
    (_rx(r"\b(?:want|need|trying|hoping|would like|'d like) to (?:fix|improve|increase|grow|raise|lift|boost|reduce|cut|lower|get more|move)\b"), "after"),
    (_rx(r"目標|目标|希望(?:提升|提高|增加|降低)|想(?:提升|提高|增加|降低)"), "after"),
)
# Verdicts: the operator judging a number or a habit ("churn is bad"); they count anywhere but in table rows.
TENSION_VERDICTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("returns", _rx(
        r"\breturns?(?: rates?)?\s+(?:is\s+|are\s+)?(?:what'?s\s+|really\s+|just\s+)?(?:killing|eating|crushing|hurting|too high|way too high|through the roof|out of control|insane|brutal|a (?:big |huge |real )?problem|what'?s eating)"
        r"|\b(?:too many|high|crazy) returns\b|退貨(?:率)?(?:太|很|偏)?高|退货(?:率)?(?:太|很|偏)?高|退貨太多|退货太多")),
    ("churn", _rx(
        r"\bchurn(?:ing)?(?: rates?)?\s+(?:is\s+|are\s+)?(?:too\s+|really\s+|very\s+|so\s+|way too\s+)?(?:high|bad|up|rising|terrible|awful|killing|brutal|a problem|climbing)\b"
        r"|\bhigh churn\b|\bcancell?ations?\s+(?:are\s+)?(?:up|rising|high|spiking|too high)|\b(?:losing|lose|lost|bleeding)\s+(?:\w+\s+)?(?:subscribers|members|subs|customers|accounts|clients)\b|流失(?:率)?(?:太|很|偏)?高|流失(?:太|很)?(?:嚴重|严重)")),
    ("margin_quality", _rx(
        r"\bmargins?(?:\s+(?:on|of)\s+[\w ]{1,25}?)?\s+(?:is|are)\s+(?:getting\s+|being\s+)?(?:too\s+|very\s+|really\s+|so\s+)?(?:thin|low|shrinking|eroding|squeezed|down|bad|awful|terrible|crushed|getting crushed|gone|disappearing)\b"
        r"|\b(?:gm|gross margin|margins?)\s+(?:fell|dropped|declined|slid|eroded|shrank|went down|has fallen|have fallen|is falling)\b"
        r"|\bbuying (?:revenue|sales|growth) with (?:coupons?|discounts?|promos?)|\b(?:addicted|hooked) (?:to|on) (?:discounts?|promos?|sales?|coupons?)"
        r"|\btrained (?:them|people|customers|everyone|our customers|shoppers) to (?:wait|never pay full price|expect)"
        r"|\b(?:only|just) (?:buy|shop|purchase|order) (?:on|during|with|when|if) (?:there'?s )?(?:an? )?(?:sales?|discounts?|promos?|codes?|coupons?)|\bgiving (?:margin|it) away|\bgiving away margin|\bdiscount (?:addiction|dependence|dependency)"
        r"|\btoo many (?:discounts|promos|coupons)|毛利(?:率)?(?:太|很|偏)?低|毛利被吃|折扣太多|用\s*(?:coupon|折扣|優惠券|优惠券)\s*(?:买|買)")),
    ("aov", _rx(
        r"\b(?:aov|average order(?: value)?|order values?|baskets?(?: sizes?)?|tickets?)\s+(?:is\s+|are\s+|r\s+|'re\s+)?(?:too\s+|very\s+|really\s+|so\s+|simply too\s+|super\s+|still\s+|way too\s+)?(?:low|small|tiny|flat|stuck|dropping|down)\b"
        r"|\b(?:aov|average order|average basket|basket size|order value)\b[^.;\n]{0,30}?\b(?:too low|too small|way too low|not enough)\b"
        r"|\baov (?:won'?t|doesn'?t|isn'?t going to) (?:move|budge|grow)|\b(?:low|small|tiny) (?:aov|baskets?|order values?|orders)\b"
        r"|\bpedidos\s+(?:son\s+)?(?:muy\s+)?(?:chiquitos|pequeños|chicos)|客單價(?:太|偏|很)?低|客单价(?:太|偏|很)?低")),
    ("repeat_rate", _rx(
        r"\b(?:repeat|repurchase|retention|reorder|second[- ]purchase|2nd[- ]order)(?: rates?)?\s+(?:is\s+|are\s+)?(?:too\s+|really\s+|very\s+|super\s+|way too\s+|so\s+|pretty\s+)?(?:low|weak|poor|bad|terrible|awful|dropping|falling|down|tanking|abysmal)\b"
        r"|\blow (?:repeat|repurchase|retention)\b|回購率(?:太|很|偏)?低|回购率(?:太|很|偏)?低|复购率(?:太|很|偏)?低|複購率(?:太|很|偏)?低")),
)
# Behaviour told as a problem ("people buy once and vanish"); it counts only outside segment descriptions.
TENSION_BEHAVIOURS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("churn", _rx(
        r"\b(?:subscribers|subs|members|customers|clients|accounts|users|merchants|families|people)\s+(?:(?!never|rarely|hardly|seldom|don|almost)\w+\s+){0,2}?(?:cancel\w*|churn\w*|drop(?:ping)? off|drop after|quit|stop (?:re-?ordering|renewing|paying))\b"
        r"|\b(?:accounts|customers|clients)\s+(?:quietly\s+)?(?:stop|stopped)\s+(?:re-?ordering|ordering|buying)")),
    ("margin_quality", _rx(r"\b(?:wait|waiting|waits) for (?:the |our )?(?:[\w%-]+ ){0,4}?(?:sales?|promos?|discounts?|markdowns?|clearance)\b|\bnever pay full price\b")),
    ("repeat_rate", _rx(
        r"\b(?:buy|buys|bought|order|orders|ordered|purchase|shop)\s+(?:[\w$-]+\s+){0,3}?once\s+and\b|\bonce and (?:done|gone|that'?s it|never)|\bone[- ]and[- ]done\b"
        r"|\b(?:vanish|disappear)(?:es|s|ed)?\b|\bnever see (?:them|\w+) again|\bno second (?:order|purchase)"
        r"|\b(?:don'?t|dont|do not|never|rarely|won'?t|seldom)\s+(?:ever\s+)?(?:come back|came back|coming back|reorder|re-order|buy again|order again|purchase again|repurchase|make a second)"
        r"|\b(?:never|don'?t|dont|rarely)\s+(?:ever\s+)?buy\s+(?:[\w$-]+\s+){0,2}?(?:\d|second|2nd|again|else|more|another)"
        r"|買一次就|买一次就|就消失|不再回來|不再回来|不回購|不回购|不回頭|不回头|no vuelven")),
)
# A count of people in a sentence makes it a segment description, not the operator's verdict.
PEOPLE_COUNT = _rx(
    r"\d[\d,.]*\s?k?\+?\s*(?:[\w-]+\s+){0,2}?(?:customers|custs|people|ppl|buyers|members|subs|subscribers|accounts|clients|users|households|stores|merchants|families|shoppers|students|owners|givers|gifters)\b"
    r"|\d[\d,.]*\s*(?:人|位|名|户|戶)"
)

# --- business category ------------------------------------------------------------------------------
# (category, words). Specific rows first: the word written first in a descriptor wins, and at the
# same position the earlier row wins ("contact lens" before "lens", "protein powder" before
# "supplements"). The category is the short phrase a retention lead would write.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("contact lenses", r"contact lens(?:es)?|contacts lens(?:es)?|隱形眼鏡|隐形眼镜"),
    ("eyewear", r"eyewear|eyeglasses|spectacles|sunglasses|optical|prescription glasses|眼鏡|眼镜"),
    ("wine club", r"wine club|wine subscriptions?"),
    ("wine", r"\bwines?\b|winery|vineyard|葡萄酒|紅酒|红酒"),
    ("craft beer", r"craft beer|brewery|brewing|\bbeers?\b|啤酒"),
    ("spirits", r"\bspirits\b|whisk(?:e)?y|\bgin\b|\brum\b|vodka|distillery|烈酒|威士忌"),
    ("coffee", r"coffee|espresso|roaster(?:y|ies)?|咖啡"),
    ("kombucha", r"kombucha"),
    ("tea", r"\btea\b|\bteas\b|loose[- ]leaf|matcha|茶葉|茶叶"),
    ("meal kits", r"meal[- ]kits?|meal delivery|meal[- ]prep|prepared meals|comidas preparadas|净菜|淨菜|半成品|套餐订阅|套餐訂閱|預製菜|预制菜"),
    ("grocery delivery", r"grocery delivery|grocery app|online grocer(?:y|ies)|quick commerce|q-commerce"),
    ("grocery", r"grocer(?:y|ies)|supermarket|生鮮|生鲜|超市"),
    ("pet supplements", r"pet (?:vitamins?|supplements?|chews)|(?:dog|cat) (?:vitamins?|supplements?)|(?:supplements?|vitamins?)[\w\s,&]{0,20}?\bfor (?:dogs|cats|pets)|寵物保健|宠物保健"),
    ("pharmacy", r"pharmac(?:y|ies)|chemist|\botc\b|over[- ]the[- ]counter|drugstore|藥局|药房|藥房"),
    ("protein supplements", r"protein (?:powders?|shakes?|bars?|supplements?)|\bwhey\b|sports nutrition|蛋白粉"),
    ("supplements", r"supplements?|vitamins?|nutraceuticals?|collagen|probiotics?|greens powders?|superfood powders?|保健品|營養品|营养品"),
    ("skincare", r"skin ?care|serums?|moisturi[sz]ers?|cleansers?|sunscreens?|護膚|护肤|保養品|保养品"),
    ("cosmetics", r"cosmetics?|make-?up|lipsticks?|mascara|彩妝|彩妆|化妝品|化妆品"),
    ("beauty", r"\bbeauty\b|美妝|美妆"),
    ("fragrance", r"fragrances?|perfumes?|香水"),
    ("hair care", r"hair ?care|shampoos?|hair products|洗髮|洗发"),
    ("soap and body care", r"\bsoaps?\b|body care|bath bombs|bath (?:and|&) body|body wash|手工皂"),
    ("pet food", r"pet food|dog food|cat food|kibble|pet treats?|dog treats?|cat treats?|fresh pet food|寵物食品|宠物食品|狗糧|狗粮|貓糧|猫粮|猫狗鲜食|貓狗鮮食|鲜食|鮮食"),
    ("pet accessories", r"pet (?:accessories|supplies|products|toys|beds)|dog toys|cat toys|leashes|dog beds|寵物用品|宠物用品"),
    ("pet supplies", r"\bpets?\b|寵物|宠物|猫狗|貓狗"),
    ("baby products", r"\bbaby\b|\bbabies\b|diapers?|nappies|strollers?|car seats?|infants?|newborns?|嬰兒|婴儿|母嬰|母婴|尿布"),
    ("toys", r"\btoys?\b|玩具"),
    ("trading cards", r"trading cards?|\btcg\b|pok[eé]mon cards|sports cards|collectible cards"),
    ("books", r"\bbooks?\b|bookshop|bookstore|book ?shop|bookseller|paperbacks?|buchhandlung|librer[ií]a|\blibros\b|書店|书店|書籍|书籍"),
    ("stationery", r"stationery|stationary(?! bikes?)|notebooks|planners|washi|文具"),
    ("home fitness", r"home fitness|fitness equipment|gym equipment|home gym|dumbbells?|kettlebells?|yoga (?:mats?|blocks?)|resistance bands|pilates|\browers?\b|rowing machines?|treadmills?|exercise bikes?|stationary bikes?|spin bikes?|健身器材"),
    ("fitness", r"\bfitness\b|\bworkouts?\b|健身"),
    ("cycling apparel", r"cycling (?:apparel|clothing|kit|jerseys?|wear)|bike (?:apparel|clothing|jerseys?)"),
    ("e-bikes", r"e-?bikes?|electric bikes?|電動自行車|电动自行车|電動車|电动车"),
    ("bikes", r"bicycles?|\bbikes?\b|cycling|自行車|自行车|單車|单车"),
    ("outdoor gear", r"outdoor (?:gear|equipment|apparel|clothing)|camping gear|hiking gear|\boutdoor\b|戶外|户外"),
    ("footwear", r"footwear|\bshoes\b|sneakers|\bboots\b|鞋"),
    ("lingerie", r"lingerie|\bbras?\b|underwear|intimates|內衣|内衣"),
    ("apparel", r"apparel|clothing|fashion|clothes|streetwear|activewear|athleisure|womenswear|menswear|denim|dresses|t-?shirts|\bsocks\b|服飾|服饰|衣服|女裝|女装"),
    ("jewelry", r"jewel(?:le)?ry|earrings|necklaces|bracelets|飾品|饰品|珠寶|珠宝"),
    ("watches", r"\bwatches\b|watch (?:brand|shop|store|company|retailer)|timepieces|手錶|手表|腕錶|腕表"),
    ("bedding", r"bedding|bed linens?|bed sheets|sheet sets|duvets?|comforters?|mattress(?:es)?|寢具|寝具|床品"),
    ("furniture", r"furniture|\bsofas?\b|couches|家具|傢俱|傢具"),
    ("kitchenware", r"kitchen\w*|cookware|bakeware|廚房|厨房|廚具|厨具"),
    ("home goods", r"home goods|homeware|home decor|home décor|家居|家飾|家饰"),
    ("candles", r"candles?|蠟燭|蜡烛|香氛"),
    ("flowers", r"flowers?|florist|bouquets?|floral|花店|鮮花|鲜花|花束"),
    ("plants", r"houseplants?|\bplants\b(?!-)|\bplant (?:shop|store|delivery|nursery|subscriptions?)|succulents?|植物|多肉|盆栽"),
    ("ceramics", r"ceramics?|pottery|\bmugs\b|陶瓷"),
    ("leather goods", r"leather (?:goods|bags|wallets|accessories)|handbags|wallets"),
    ("musical instruments", r"musical instruments?|guitars?|\bbasses\b|ukuleles?|drum kits?|pianos?|keyboards and synths|樂器|乐器"),
    ("camera gear", r"camera (?:gear|equipment|shop|store|bodies)|cameras|\blenses\b|photography gear|相機|相机"),
    ("electronics accessories", r"electronics accessories|phone cases?|chargers?|\bcables?\b|screen protectors?|earbuds|headphones|\b3C\b|手機殼|手机壳"),
    ("electronics", r"electronics|gadgets|consumer tech|電子產品|电子产品"),
    ("office supplies", r"office (?:supplies|products)|\btoner\b|janitorial|辦公用品|办公用品"),
    ("restaurant supply", r"restaurant suppl(?:y|ies)|food ?service (?:supply|distribution)|horeca|restaurant wholesale|餐飲供應|餐饮供应"),
    ("language learning", r"language[- ]learning|language (?:app|courses?|lessons|school)|learn (?:spanish|english|french|german|japanese|italian|chinese)"),
    ("online courses", r"online courses?|e-?learning|\bcourses\b|\bcourse (?:creator|platform|business)|cohort programs?|課程|课程|\bcursos?\b"),
    ("digital templates", r"templates?|digital (?:products|downloads)|presets|\bebooks?\b"),
    ("shopify app", r"shopify (?:apps?|plugins?|add-?ons?|partner)|(?:apps?|add-?ons?|plugins?|extensions?) for shopify(?: stores| merchants)?"),
    ("saas", r"\bsaas\b|b2b software|software subscriptions?"),
    ("subscription boxes", r"subscription box(?:es)?|\bsub box(?:es)?|monthly box(?:es)?|snack box(?:es)?|訂閱盒|订阅盒"),
    ("bakery", r"bakery|bakeries|\bcakes?\b|pastr(?:y|ies)|麵包|面包|蛋糕|餅店|饼店|餅家|饼家"),
    ("olive oil", r"olive oils?|橄欖油|橄榄油"),
    ("hot sauce", r"hot sauces?|chil(?:i|li) sauces?|辣椒醬|辣椒酱"),
    ("chocolate", r"chocolates?|chocolatier|cacao|巧克力|朱古力"),
    ("cheese", r"\bcheeses?\b|fromagerie|芝士|起司"),
    ("spices", r"\bspices?\b|seasonings?|香料"),
    ("honey", r"\bhoney\b|蜂蜜"),
    ("snacks", r"\bsnacks?\b|jerky|零食"),
    ("specialty food", r"specialty food|gourmet|pantry|\bsauces\b|condiments|deli\b|食品"),
    ("crafts", r"craft supplies|\byarn\b|knitting|sewing|fabrics?"),
    ("board games", r"board ?games?|tabletop games?|card games?|boardgames?|桌遊|桌游"),
    ("golf", r"\bgolf\b"),
    ("sporting goods", r"sporting goods|sports equipment|tennis|\bski\b"),
    ("car care", r"car care|auto detailing|\bdetailing\b|car wash|car cleaning|洗車|洗车"),
    ("auto parts", r"auto parts|car parts|car accessories"),
)
ANY_CATEGORY = _rx("|".join(f"(?P<c{index}>{words})" for index, (_name, words) in enumerate(CATEGORIES)))
CATEGORY_NAMES = tuple(name for name, _words in CATEGORIES)
# Where the notes say what the business is. Each pattern's `what` group is the descriptor.
CATEGORY_KEY = _rx(
    r"^\W*(?:category|industry|vertical|niche|business(?: type)?|sector|product(?: type| category)?|what we sell|品類|品类|產業|产业|類別|类别|行業|行业)\s*[:=：]\s*(?P<what>[^\n]{2,80})"
)
_STOP_AFTER = r"(?=[.;,!?\n()（）:：—–|]|\s+(?:and sell|to|for|in|on|at|from|with|via|but|so|since|that|which|who|based|out of|across|mostly|um|like)\b|$)"
CATEGORY_STATED: tuple[re.Pattern[str], ...] = (
    _rx(r"\b(?:we|i)\s+(?:sell|make|roast|brew|bake|grow|design|craft|produce|import|distribute)\s+(?:mostly\s+|mainly\s+|only\s+)?(?P<what>(?!in\b|to\b|on\b|at\b|through\b|via\b|them\b|it\b)[^.;,!?\n]{2,60}?)" + _STOP_AFTER),
    _rx(r"\b(?:our|the)\s+(?:shop|store|brand|company|business)\s+(?:sells|makes|offers|carries)\s+(?P<what>[^.;,!?\n]{2,60}?)" + _STOP_AFTER),
    _rx(r"\bselling\s+(?:mostly\s+|mainly\s+)?(?P<what>(?!in\b|to\b|on\b|at\b|through\b|via\b|mostly\b)[^.;,!?\n]{2,60}?)" + _STOP_AFTER),
    _rx(r"\b(?:we(?:'re| are)|i'?m|i am|this is(?: for)?|it'?s|its|we run|i run|we own|i own|we operate)\s+(?:a|an|the)\s+(?P<what>[^.;,!?\n]{2,60}?)(?=[.;,!?\n()]|\s+(?:in|based|from|with|that|which|who|and|so|selling|out|um)\b|$)"),
    _rx(r"\b(?P<what>(?:[\w&'/+-]+\s+){1,3}?[\w&'/+-]+)\s+is\s+(?:the|our)\s+(?:whole\s+|core\s+|main\s+)?business\b"),
    _rx(r"\bwe(?:'re| are)\s+[\w&'-]+(?:\s+[\w&'-]+)?,\s+(?:a|an)\s+(?P<what>[^.;,!?\n]{2,60}?)(?=[.;,!?\n()]|\s+(?:in|based|from|with|that|which|who|and|so|selling)\b|$)"),
    _rx(r"\bsomos\s+(?:una?|el|la)\s+(?P<what>[^.;,!?\n()]{2,60})|\bvendemos\s+(?P<what2>[^.;,!?\n()]{2,60})"),
    _rx(r"(?:我們|我们|我哋)(?:係|是|在|主要)?(?:賣|卖|做|經營|经营)\s*(?P<what>[^。，,;；!！?？\n]{1,30})"),
)
CATEGORY_STATED_STEMS = ("we ", "i ", "i'm", "i am", "our ", "the ", "selling", "this is", "it's", "its ", "business", "somos", "vendemos", "我們",
                         "我们", "我哋")
BUSINESS_NOUN_STEMS = ("shop", "store", "brand", "compan", "co.", "business", "retailer", "roaster", "brewer", "boutique", "label", "side",
                       "d2c", "dtc", "marketplace", "startup", "bakery", "florist", "club", "seller", "店", "品牌", "公司")
# "the outdoor gear side", "contact lens retailer", "serum brand": a descriptor before a business noun.
BUSINESS_NOUN = _rx(
    r"\b(?:shop|store|brand|company|co\.|business|retailer|roastery|brewery|webshop|e-?shop|boutique|label|side|d2c|dtc|marketplace|startup|bakery|florist|club|seller)\b|店|品牌|公司"
)
# Lines that are mail or chat furniture, never a description of the business.
HEADER_SKIP = _rx(r"^\W*(?:from|to|cc|date|sent|subject|re|fwd?|fw)\s*:|^\W*-{3,}|^\W*forwarded message")

# --- operating context --------------------------------------------------------------------------------
TEAM_STEMS = ("team", "people", "ppl", "person", "fte", "we're", "we are", "me ", "me,", "me.", "just me", "only me", "solo", "one-", "one ",
              "myself", "人", "只有我")
OWNER_STEMS = ("account", "rep", "kam", "crm", "retention", "lifecycle", "team", "support", "service", "cx", "founder", "i handle", "i do",
               "i write", "i send", "vendedor", "through", "via")
PROGRAMME_STEMS = ("referr", "refer-a", "refer a", "推薦", "推荐", "loyal", "reward", "points", "our vip", "積分", "积分", "集點", "集点", "會員制度",
                   "会员制度", "app")
TEAM_SIZE: tuple[re.Pattern[str], ...] = (
    _rx(r"\bteam\s+(?:is|of|=|:)\s*(?:just\s+|only\s+)?(?P<n>\d{1,3})\b(?:\s*(?:people|persons|ppl|fte|folks|of us))?"),
    _rx(r"\b(?P<n>\d{1,3})[- ](?:person|people|man|woman|ppl)\s+(?:crm\s+|marketing\s+|retention\s+|growth\s+|ecom\s+|e-?commerce\s+|lifecycle\s+)?(?:team|shop|operation|business|show)\b"),
    _rx(r"\b(?:we'?re|we are)\s+(?:just\s+|only\s+)?(?P<n>\d{1,3})\s+(?:people|ppl|of us|persons)\b"),
    _rx(r"\b(?P<n>\d{1,3})\s+(?:people|ppl|persons|fte|ftes)\s+(?:in|on|doing|running|handle|handling|for|covering)\s+(?:crm|retention|marketing|email|lifecycle|growth|the team|ecom|e-?commerce)\b"),
    _rx(r"(?P<n>\d{1,3})\s*(?:個|个)?人(?:的)?(?:團隊|团队|小組|小组)|(?:團隊|团队)\s*(?:只有)?\s*(?P<n2>\d{1,3})\s*(?:個|个)?人"),
)
TEAM_OF_TWO = _rx(
    r"\b(?:it'?s\s+|its\s+)?(?:just\s+|only\s+)?me\s+(?:and|\+|&)\s+(?:a|one|my)\s+(?:part[- ]?timer|freelancer|va|assistant|contractor|intern|co-?founder|partner|wife|husband|brother|sister|friend|business partner)\b"
)
TEAM_OF_ONE = _rx(
    r"\b(?:it'?s\s+|its\s+)?(?:just|only)\s+me\b(?!\s+(?:and|\+|&))|\bsolo\s+(?:founder|creator|operator|shop|business|marketer|entrepreneur)\b|\bone[- ](?:person|man|woman)\s+(?:team|shop|show|business|operation)\b"
    r"|\bi'?m\s+(?:a\s+)?solo\b|\bi do (?:it|everything) (?:all )?myself\b|只有我(?:一個人|一个人)?"
)
CUSTOMER_OWNER: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("account_manager", _rx(
        r"\b(?:account managers?|key account managers?|\bkams?\b|sales reps?|account team|reps)\s+(?:own|owns|handle|handles|manage|manages|run|runs|look after)\b"
        r"|\b(?:we\s+)?(?:work|sell)\s+(?:through|via)\s+(?:our\s+)?(?:account managers?|sales reps?|reps)\b|\baccount managers?\b|\bkey account managers?\b|\bsales reps?\b|\bvendedores\b")),
    ("crm_team", _rx(r"\b(?:crm|retention|lifecycle|email)\s+team\b|\bpeople\s+(?:in|on)\s+(?:crm|retention|lifecycle)\b|\bin\s+crm\b")),
    ("support", _rx(r"\b(?:customer\s+)?(?:support|service|cx)\s+team\s+(?:owns|handles|runs|does)\b")),
    ("founder", _rx(r"\b(?:the\s+)?founder\s+(?:handles|does|owns|runs|writes|sends)\b|\bi\s+(?:handle|do|write|send)\s+(?:all\s+)?(?:the\s+)?(?:emails?|crm|newsletters?|customer)")),
)
REFERRAL_NONE = _rx(r"\bno\s+(?:referral|refer[- ]a[- ]friend)(?:\s+(?:program\w*|scheme|system))?\b|\b(?:don'?t|do not|never)\s+(?:have|run|do)\s+(?:a\s+|any\s+)?(?:referral|refer[- ]a[- ]friend)|\bwithout\s+a\s+referral|沒有推薦|没有推荐")
REFERRAL_SOME = _rx(r"\b(?:our|we have a|we run a|existing|the)\s+(?:referral|refer[- ]a[- ]friend)(?:\s+(?:program\w*|scheme))?\b|\breferral (?:program|scheme)\w*\s+(?:drives|brings|gets|generates|is|has|accounts|works)\b|\breferred (?:customers|orders)\b")
LOYALTY_NONE = _rx(r"\bno\s+(?:loyalty|rewards?|points)(?:\s+(?:program\w*|scheme|club|system))?\b|\b(?:don'?t|do not|never)\s+(?:have|run)\s+(?:a\s+|any\s+)?(?:loyalty|rewards?|points)\b|沒有會員制度|没有会员制度")
LOYALTY_SOME = _rx(r"\b(?:our|we have a|we run a|the)\s+(?:loyalty|rewards?|points)(?:\s+(?:program\w*|scheme|club|tier))?\b|\bloyalty (?:program|scheme|members)\w*\b|\bpoints (?:program|system)\b|\bour vip (?:tier|program|club)\b|會員積分|会员积分|集點|集点")

# --- business signals ---------------------------------------------------------------------------------
_PCT_VALUE = r"(?P<v>\d{1,3}(?:\.\d+)?)\s?%"
NPS = _rx(r"\b(?:nps|net promoter(?: score)?)\b(?:\s*(?:is|of|=|:|at|around|about|~|score|sits at|was|sits|stands at)){0,3}\s*(?P<v>[+-]?\d{1,3})\b(?!\s*%|\.\d)")
CAC_TREND_WORDS: tuple[tuple[str, str], ...] = (
    ("rising", r"climbing|rising|going up|\bup\b|increasing|creeping up|growing|doubled|tripled|higher|worse|getting (?:more expensive|worse)|skyrocket\w*|spiking|上升|上漲|上涨|越來越貴|越来越贵|變貴|变贵"),
    ("falling", r"falling|dropping|going down|\bdown\b|decreasing|coming down|cheaper|lower|improving|下降|下跌|變便宜|变便宜"),
    ("flat", r"\bflat\b|stable|steady|holding|unchanged|持平|穩定|稳定"),
)
CAC_TREND = _rx(
    r"\b(?:cac|acquisition costs?|cost (?:per|to) acqui\w*|cpa|customer acquisition)\b(?P<gap>[^.;,\n]{0,30}?)(?P<word>" + "|".join(words for _t, words in CAC_TREND_WORDS) + r")"
    r"|(?:獲客成本|获客成本)(?P<gap2>[^。；，,\n]{0,10}?)(?P<word2>上升|上漲|上涨|越來越貴|越来越贵|變貴|变贵|下降|下跌|持平|穩定|稳定)"
)
CAC_TREND_KIND = tuple((trend, _rx(words)) for trend, words in CAC_TREND_WORDS)
UPGRADE_RATE: tuple[re.Pattern[str], ...] = (
    _rx(r"(?:only\s+|just\s+|about\s+|~\s?)?" + _PCT_VALUE + r"\s+(?:of\s+(?:[\w-]+\s+){0,2}?)?(?:ever\s+|then\s+|go on to\s+|end up\s+)?(?:upgrade|move up|trade up|step up|ascend|go premium|buy (?:the |a )?(?:premium|pro|upgrade|performance|bigger|higher|next tier)|convert to (?:premium|pro|the premium|paid tier))\w*"),
    _rx(r"\bupgrade(?:s|d)?(?:\s+rate)?\s*(?:is|of|=|:|at|~|around|about)?\s*" + _PCT_VALUE),
    _rx(r"(?:升級率|升级率)\s*(?:約|约|大約|大约)?\s*" + _PCT_VALUE),
)
ATTACH_RATE: tuple[re.Pattern[str], ...] = (
    _rx(r"\b(?:attach(?:ment)?|bundle|add-?on|upsell|cross-?sell)(?:[\s-]+(?:attach\s+)?(?:rate|take[- ]rate))\s*(?:is|of|=|:|at|~|around|about)?\s*" + _PCT_VALUE),
    _rx(_PCT_VALUE + r"\s+of\s+(?:orders|baskets|carts|checkouts|buyers|customers)\s+(?:[\w-]+\s+){0,2}?(?:include|includes|including|have|has|with|add|added|contain|contains|take|get)\s+(?:an?\s+|the\s+)?(?:add-?ons?|accessor\w+|bundles?|second items?|upsells?|cross-sells?|extras?|warranty|protection plans?|service plans?)"),
    _rx(_PCT_VALUE + r"\s+attach(?:ment)?(?:\s+rate)?\b"),
)
UNSUBSCRIBE_RATE: tuple[re.Pattern[str], ...] = (
    _rx(r"\bunsub(?:scribe)?s?(?:[\s-]+rates?)?\s*(?:is|of|=|:|at|~|around|about)?\s*(?P<v>\d{1,2}(?:\.\d+)?)\s?%"),
    _rx(r"(?P<v>\d{1,2}(?:\.\d+)?)\s?%\s+unsub\w*"),
    _rx(r"(?:退訂率|退订率)\s*(?P<v>\d{1,2}(?:\.\d+)?)\s?%"),
)
_MONTH_ABBR = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
_MONTH_FULL = r"(?:january|february|march|april|june|july|august|september|october|november|december)"
PEAK_WORDS = _rx(
    rf"\b{_MONTH_ABBR}\.?\s*(?:-|–|—|to|through|thru)\s*{_MONTH_ABBR}\w*\.?|\b{_MONTH_FULL}\b|\bQ[1-4]\b|\bbfcm\b|\bblack friday\b|\bcyber (?:monday|week)\b|\bchristmas\b|\bxmas\b"
    r"|\bholiday season\b|\bthe holidays\b|\bvalentine'?s?(?: day)?\b|\bmother'?s day\b|\bmothers day\b|\bfather'?s day\b|\bfathers day\b|\bback to school\b|\bramadan\b"
    r"|\b(?:chinese|lunar) new year\b|\bdiwali\b|\bsingles'? day\b|\b11\.11\b|双11|雙11|雙十一|双十一|母親節|母亲节|父親節|父亲节|聖誕節?|圣诞节?|情人節|情人节|春節|春节|過年|过年|中秋(?:節|节)?"
)
PEAK_SHARE = _rx(
    _PCT_VALUE.replace(r"\s?%", r"\s?(?:%|percent\b|per cent\b)") + r"\s+(?:of\s+)?(?:(?:our|the|annual|yearly|all|total|the year'?s|a year'?s)\s+){0,3}(?:revenue|sales|turnover|gmv|orders|business|year|volume|ingresos|ventas|營收|营收|業績|业绩)\b"
    r"|(?:佔|占)(?:全年|年度|一年)?(?:營收|营收|業績|业绩|銷售|销售)\s*(?P<v2>\d{1,3}(?:\.\d+)?)\s?%"
)
PEAK_SHARE_STEMS = ("revenue", "sales", "turnover", "gmv", "orders", "business", "year", "volume", "ingresos", "ventas", "營收", "营收", "業績", "业绩", "銷售", "销售")
PEAK_STEMS = ("%", "percent", "per cent", "seasonal", "peak", "busiest", "mostly sell", "most of", "spike", "concentrated", "旺季", "集中在", "佔", "占")
SEASONAL_CUE = _rx(r"\bseasonal\w*|\bpeak\w*|\bbusiest\b|\bmostly sells?\b|\bmost of (?:our )?(?:sales|revenue|orders)\b|\bsales? (?:spike|peak)s?\b|\bspikes?\b|\bconcentrated\b|\bcrazy seasonal\b|旺季|集中在")
CANCEL_MONTH = _rx(
    r"\b(?:cancel\w*|churn\w*|drop(?:s|ped|ping)?(?:\s+off|\s+out)?|quit\w*|unsubscrib\w*)\b[^.;\n]{0,30}?"
    r"(?:\b(?:after|before|by|around|at|in|during|within)\s+(?:the\s+|their\s+)?"
    r"(?:(?:month|box|shipment|delivery|order|cycle|renewal)\s*#?\s*(?P<a>\d{1,2})\b|(?P<b>\d{1,2})(?:st|nd|rd|th)\s+(?:month|box|shipment|delivery|order|renewal)\b"
    r"|(?P<c>first|second|third|fourth|fifth|sixth)\s+(?:month|box|shipment|delivery|order|renewal)\b)"
    r"|\b(?:after|within|before)\s+(?:the\s+first\s+|their\s+first\s+)?(?P<d>\d{1,2})\s+months?\b)"
    r"|第\s*(?P<e>[一二三四五六七八九十\d]{1,3})\s*(?:个|個)?(?:月|期|箱|次)[^，。,;；\n]{0,8}?(?:取消|流失|退订|退訂)"
)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
_GAP_UNIT = r"(?:days?|d|weeks?|wks?|months?|mos?)"
ORDER_GAP = _rx(
    r"\b(?:order\s+gaps?|gaps?\s+between\s+(?:orders|purchases)|time\s+between\s+(?:orders|purchases)|days\s+between\s+orders|re-?order\s+(?:gaps?|intervals?|cycles?)"
    r"|purchase\s+(?:gaps?|intervals?)|intervals?\s+between\s+orders|repurchase\s+(?:gaps?|intervals?|cycles?)|time\s+to\s+(?:next|second|2nd)\s+order)\b[^.;\n]{0,40}?"
    rf"\bfrom\s+(?:~\s?|about\s+|around\s+)?(?P<a>\d{{1,4}}(?:\.\d+)?)\s*(?P<ua>{_GAP_UNIT})?\s*(?:to|->|→|–|-)\s*(?:~\s?|about\s+|around\s+)?(?P<b>\d{{1,4}}(?:\.\d+)?)\+?\s*(?P<ub>{_GAP_UNIT})?"
    rf"|\bfrom\s+(?P<a2>\d{{1,4}})\s*(?P<ua2>{_GAP_UNIT})?\s*(?:to|->|→)\s*(?P<b2>\d{{1,4}})\+?\s*(?P<ub2>{_GAP_UNIT})\s+between\s+(?:orders|purchases)"
)
GAP_DAYS = {"d": 1, "day": 1, "days": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "month": 30, "months": 30, "mo": 30, "mos": 30}
