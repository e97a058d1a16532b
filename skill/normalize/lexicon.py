"""Vocabulary of the numbers-and-segments reader, as data: which words mean which metric, label or section.

Tables are read top to bottom and the first row that fits wins, so the order of rows
*is* the precedence. Adding a synonym is a one-line change plus a test that shows it firing.
Patterns are compiled once at import; none of them nests unbounded repeats, so matching stays
linear on arbitrary input.
"""

from __future__ import annotations

import re

from skill.normalize.segments import PEOPLE_NOUNS

_I = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# --- metric fields --------------------------------------------------------------------------
# Quantity kinds a field accepts: "pct" (had a % sign), "money" (had a currency), "days" (had a
# duration unit), "freq" (orders per period), "times" (N orders, no period), "count" (bare number).
# A bare number is accepted by every field so "repeat rate: 62" and "AOV: 140" still read.
# (field, words that point at it, kinds it accepts). Specific rows first: the nearest keyword to
# a number wins and ties go to the earlier row.
FIELD_WORDS: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    ("cac", _rx(r"\bcac\b|acquisition cost|cost (?:to|per) acqui\w*|\bcpa\b|獲客成本|获客成本|獲客|获客"), frozenset({"money", "count"})),
    (
        "days_since_last_order",
        _rx(
            r"since (?:their |the |a )?last (?:order|purchase)|no (?:orders?|ords?|purchases?)|nothing (?:in|for|since)|sin (?:pedidos?|compras?)|hace|ohne bestellung|keine bestellung|(?:haven'?t|have not|hasn'?t|not) (?:ordered|purchased|bought)"
            r"|last (?:order|purchase)|inactive|lapsed|dormant|recency|\bago\b|未購買|未购买|沒有購買|没有购买|沒買|没买|未下單|未下单|沒下單|没下单|沒有下單|没有下单|未購|未购|最後購買|最后购买|未回購|未回购|天未"
        ),
        frozenset({"days", "count"}),
    ),
    (
        "repurchase_cycle_days",
        _rx(r"\bevery\b|cycle|cadence|interval|between (?:orders|purchases)|replenish\w*|週期|周期|每隔|每(?=\s?\d)|cada"),
        frozenset({"days", "count"}),
    ),
    (
        "orders_per_year",
        _rx(
            r"orders? ?(?:/|per|a) ?(?:year|yr)|purchases? (?:per|a) (?:year|yr)|times (?:a|per) (?:year|yr)|frequency|\bfreq\b|\bopy\b"
            r"|購買頻率|购买频率|購買次數|购买次数|年購買|年购买|每年"
        ),
        frozenset({"freq", "count", "times"}),
    ),
    ("monthly_churn_pct", _rx(r"churn|cancel\w*|abwanderung|kündig\w*|désabonn\w*|résili\w*|\bbajas?\b|流失率|流失|退訂|退订"), frozenset({"pct", "count"})),
    ("return_rate_pct", _rx(r"(?<!un)\breturn(?!ing)(?:s|ed| rate)?\b|refund\w*|taux de retour|retours?\b|retouren\w*|devoluci\w*|devuelven|renvoi\w*|orders? (?:come|comes|came|get sent|are sent) back|退貨|退货|退款"), frozenset({"pct", "count"})),
    (
        "discount_order_share_pct",
        _rx(r"discount\w*|coupon\w*|promo\w*|on sale|sale price|markdown|\bcodes?\b|折扣|優惠|优惠|折價|折价|打折"),
        frozenset({"pct", "count"}),
    ),
    ("gross_margin_pct", _rx(r"margin|marge|margen|rohertrag|\bgm\b|毛利"), frozenset({"pct", "count"})),
    (
        "repeat_rate_pct",
        _rx(
            r"repeat|\brr\b|re-?order|re-?purchase|repass\w* commande|recommand\w*|wieder (?:bestellt|gekauft)|vuelven a comprar|repit\w*|(?:ordered|bought|purchased|buy|order) (?:twice|again|2x)|(?:bought|ordered|placed|made) a (?:second|2nd) \w+|placed a (?:2nd|second)|(?:2|two)\+? orders|comes? back|came back|returning|buy again|bought again|order again|second (?:order|purchase)"
            r"|2nd (?:order|purchase)|retention|retain|回購|回购|複購|复购|再購|再购|回頭|回头|续费率|續費率|续订率|續訂率"
        ),
        frozenset({"pct", "count"}),
    ),
    ("revenue_share_pct", _rx(r"revenue|\brev\b|sales|\bgmv\b|營收|营收|營業額|营业额|業績|业绩|銷售額|销售额"), frozenset({"pct"})),
    ("revenue_amount", _rx(r"revenue|\brev\b|sales|\bgmv\b|營收|营收|營業額|营业额|業績|业绩|銷售額|销售额"), frozenset({"money"})),
    (
        "customer_share_pct",
        _rx(
            r"customers?|\bcusts?\b|buyers|\bbase\b|\bfile\b|shoppers|members|accounts|users|subscribers|clients|households|\blist\b|\btop\b"
            r"|(?:客戶|客户|顧客|顾客|會員|会员|人數|人数)(?:佔比|占比)?"
        ),
        frozenset({"pct"}),
    ),
    (
        "aov",
        _rx(r"\baov\b|avg\.? (?:order|basket|ticket|shipment|box)|average (?:order|shipment|box|basket|ticket|spend per order)|\baverage\b|\bavg\b|promedio|durchschnitt\w*|panier moyen|ticket moyen|warenkorb|bon moyen|order value|basket|per (?:order|shipment|box)|\bticket\b|每單|每单|每筆|每笔|客單價|客单价|平均訂單|平均订单|訂單金額|订单金额|單價|单价"),
        frozenset({"money", "count"}),
    ),
    (
        "customer_count",
        _rx(
            r"customers?|\bcusts?\b|buyers|people|members|accounts|users|subscribers|clients|households|shoppers|\bpersons\b"
            rf"|\b(?:{PEOPLE_NOUNS}|of them|of those|of these|merchants|installs|profiles|familias|personas|first (?:orders?|purchases?))\b|客戶|客户|顧客|顾客|會員|会员|人|位|名|家"
        ),
        frozenset({"count"}),
    ),
)
PERCENT_FIELDS = frozenset(
    {
        "customer_share_pct",
        "revenue_share_pct",
        "repeat_rate_pct",
        "gross_margin_pct",
        "return_rate_pct",
        "discount_order_share_pct",
        "monthly_churn_pct",
    }
)
# Fields that describe the whole business only; a segment sentence naming them feeds `business`.
BUSINESS_ONLY_FIELDS = frozenset({"cac"})
# Fields that only make sense for a part of the customer base.
SEGMENT_ONLY_FIELDS = frozenset({"customer_share_pct", "revenue_share_pct"})

# "30% of customers buy again": the share phrase is only a lead-in to the real metric.
OF_PEOPLE_LEAD_IN = _rx(
    r"^\s*of (?:them|these|those|the (?:base|list)|(?:all |our |the |new |first-time |those )?(?:customers|custs|buyers|shoppers|members|subscribers|people|users|accounts))\b"
)
# Cadence words that give a repurchase cycle without a number: "quarterly shipments", "every month or so".
CADENCE = _rx(
    r"\b(?P<word>weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly)\s+(?:shipments?|deliver(?:y|ies)|boxes|orders?|drops?|refills?|subscriptions?|plans?|club)\b"
    r"|\b(?:orders?|buys?|shops?|reorders?|ordering|buying)\s+(?:roughly\s+|about\s+|around\s+|like\s+)?(?P<adverb>weekly|fortnightly|monthly|quarterly)\b"
    r"|\bevery (?P<every>week|other week|two weeks|month|other month|two months|quarter|season)\b|\bcada (?P<cada>semana|mes|trimestre)\b"
)
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "bi-weekly": 14, "fortnightly": 14, "monthly": 30, "bimonthly": 60, "bi-monthly": 60,
                "quarterly": 90, "week": 7, "other week": 14, "two weeks": 14, "month": 30, "other month": 60, "two months": 60,
                "quarter": 90, "season": 90, "semana": 7, "mes": 30, "trimestre": 90}
# A cancel share is a monthly churn rate only with one of these words ("30% cancel before shipment 3" is not).
MONTHLY_CHURN_CUE = _rx(r"churn|abwanderung|monthly|per month|a month|/\s?mo\b|\bm/m\b|\bmom\b|mensual\w*|mensuel\w*|par mois|al mes|monatlich\w*|pro monat|每月|月流失|流失率|annual|yearly|per year|a year|/\s?yr")
# Churn stated per year is converted to the monthly rate the schema holds.
# (never when the same sentence says monthly: "8% M/M (was 5.5% a year ago)")
ANNUAL_WORDS = _rx(r"^(?!.*(?:\bm/m\b|monthly|per month|a month|/\s?mo\b|mensual|每月)).*?(?:annual|yearly|per year|a year(?! ago)|/\s?yr|每年|年流失|年化)")

# Table headers and "key: value" keys that *are* a metric label (the whole key, units aside).
KEY_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("customer_share_pct", _rx(r"(?:%|share|pct|percent) ?(?:of )?(?:customers?|custs?|base|buyers|members|accounts)|(?:customers?|custs?|buyers|members|accounts) ?(?:%|share|pct|percent)|(?:客戶|客户|會員|会员|人數|人数)?(?:佔比|占比)|share|% of base|base share")),
    ("revenue_share_pct", _rx(r"(?:%|share|pct|percent) ?(?:of )?(?:revenue|rev|sales|gmv|mrr|arr)|(?:revenue|rev|sales|gmv|mrr|arr) ?(?:%|share|pct|percent)|(?:營收|营收|業績|业绩)(?:佔比|占比|%)")),
    ("revenue_amount", _rx(r"(?:total |annual )?(?:revenue|rev|sales|gmv)|營收|营收|營業額|营业额|業績|业绩")),
    ("customer_count", _rx(r"(?:#|no\.?|number of|total|count of|num) ?(?:customers?|custs?|buyers|members|accounts|subscribers|users|clients)|(?:customers?|custs?|buyers|purchasers|members|accounts|subscribers|users|clients|merchants|installs|stores|students|families|households|cuentas|clientes|clientas|kunden)(?: count)?|count|size|n|人數|人数|(?:總|总|全部|所有)?(?:客戶|客户|顧客|顾客|會員|会员|用戶|用户)(?:數|数|人數|人数)|客戶數|客户数|會員數|会员数|顧客數|顾客数")),
    ("aov", _rx(r"aov|avg\.? order(?: value)?|(?:avg\.?|average) purchase (?:revenue|value)|average revenue per order|panier moyen|average order(?: value)?|(?:avg\.? |average )?(?:basket|ticket|spend per order|sale)(?: value| size)?|order value|basket(?: size)?|ticket|客單價|客单价|平均訂單金額|平均订单金额")),
    ("orders_per_year", _rx(r"orders?(?: ?/ ?| per | a )(?:year|yr|customer(?: per year)?)|orders per customer|purchase frequency|frequency|freq|opy|(?:年)?購買(?:頻率|次數)|(?:年)?购买(?:频率|次数)")),
    ("repeat_rate_pct", _rx(r"repeat(?: customers?| buyers?)?(?: purchase)?(?: rate| share| %)?|returning (?:customers|purchasers|buyers)(?: rate| share| %)?|repurchase rate|reorder rate|retention(?: rate)?|returning(?: rate)?|回購率|回购率|複購率|复购率|回購|回购")),
    ("repurchase_cycle_days", _rx(r"(?:repurchase|reorder|purchase|replenishment) (?:cycle|interval)|cycle|interval|days between orders|回購週期|回购周期|週期|周期")),
    ("gross_margin_pct", _rx(r"(?:gross )?margin|gm|毛利率|毛利")),
    ("return_rate_pct", _rx(r"returns?(?: rate)?|refund rate|taux de retour|retourenquote|tasa de devoluci\w*|退貨率|退货率|退貨|退货")),
    ("discount_order_share_pct", _rx(r"(?:% )?(?:orders )?(?:with |using |on )?(?:discount|coupon|promo)s?(?: (?:usage|use|share|rate|orders|%))?|折扣(?:訂單)?(?:佔比|占比|率)?|使用折扣")),
    ("days_since_last_order", _rx(r"(?:avg |average )?(?:days )?since (?:last )?(?:order|purchase)|recency|last order|最後購買|最后购买|未購買天數|未购买天数")),
    ("monthly_churn_pct", _rx(r"(?:monthly )?churn(?: rate)?|cancellation rate|流失率")),
    ("cac", _rx(r"cac|acquisition cost|獲客成本|获客成本")),
)
# A header/key that names the segment column or starts a new segment in a key-value dump.
NAME_KEY = _rx(r"segments?(?: name)?|name|cohort|group|tier|bucket|persona|(?:customer|segment|buyer|client|account) ?(?:type|group|segment)|顧客類型|顾客类型|客戶類型|客户类型|客群名稱|客群名称|客群|分群|族群|區隔|区隔|類型|类型")
# A table row or line that speaks for everyone rather than a segment.
TOTAL_ROW = _rx(r"total|overall|all(?: customers)?|everyone|business|store|合計|合计|總計|总计|整體|整体|全部|全店")
BUSINESS_SCOPE = _rx(
    r"\boverall\b|\bblended\b|site-?wide|store-?wide|company-?wide|business-?wide|across (?:all|the (?:whole )?(?:business|store|base))"
    r"|\ball customers\b|總(?:會員|客戶|人數|顧客)|总(?:会员|客户|人数|顾客)|whole (?:business|store|base)|整體|整体|全站|全店|總體|总体"
    r"|\b(?:global|général|generale?|gesamt\w*|insgesamt|en general|in total)\b"
)
NOTES_HEADER = _rx(r"notes?|description|desc|behaviou?r|comments?|context|details?|備註|备注|描述|特徵|特征|說明|说明")
# Section headings: what follows them is read as constraints, or as business context.
SECTION_CONSTRAINTS = _rx(r"(?:hard )?(?:constraints?|contraintes|restricciones|einschränkungen|regeln|reglas|règles|guardrails?|rules|restrictions?|limits|policy|policies|do(?:n'?t)?s and don'?ts|限制|規則|规则|注意事項|注意事项)")
SECTION_BUSINESS = _rx(
    r"(?:business|company|brand|overview|context|background|about(?: us)?|summary|the numbers|numbers|kpis?|metrics|notes|base|the base|customer base|totals?|overall|headline numbers|problem|problems|goals?|challenge|issues?|questions?|ask|help|背景|概況|概况|問題|问题|目標|目标|整體|整体)"
)
SECTION_SEGMENTS = _rx(r"(?:customer )?(?:segments?|cohorts?|groups|tiers|personas|customers|客群|分群|族群)")
# "Segments from our Klaviyo export (last 12 months)": a heading that introduces a list of segments.
SEGMENT_LIST_PREFIX = _rx(r"(?:customer |our |the |key |main )?(?:segments|cohorts|personas|customer groups|客群|分群|族群)\b")
SEGMENT_NOUN = _rx(
    r"\b(?:segment|cohort|group|tier|bucket|persona|customers|buyers|shoppers|members|subscribers|accounts|clients|users)\b|客|會員|会员|族群|客群"
)

# A small share of customers carrying several times its share of revenue is a VIP tier:
# "revenue_multiple" is revenue share / customer share, only for shares of at most 20%.
VIP_MAX_CUSTOMER_SHARE = 20.0

# Words that name a segment inside running prose ("our VIPs", "one-time buyers").
SEGMENT_MENTION = _rx(
    r"\b(?:top[- ]spenders|big spenders|whales|vips?(?: (?:customers|members|tier|clients|buyers))?|top \d+ ?%(?: of (?:customers|buyers))?"
    r"|loyal(?:ists| customers| buyers| members)|regulars|repeat (?:customers|buyers|purchasers)|returning customers"
    r"|new (?:customers|buyers|subscribers)|first[- ]time (?:buyers|customers|purchasers)"
    r"|one[- ]time (?:buyers|customers|purchasers|shoppers)|single[- ]purchase (?:buyers|customers)|one[- ]and[- ]done (?:buyers|customers)"
    r"|discount (?:shoppers|hunters|seekers|buyers|customers|chasers)|deal[- ](?:hunters|seekers|shoppers)|bargain hunters|coupon (?:users|clippers)|sale shoppers|price[- ]sensitive (?:customers|buyers|shoppers)"
    r"|at[- ]risk (?:customers|subscribers|buyers|accounts)|lapsing (?:customers|subscribers|buyers)|lapsed (?:customers|buyers|subscribers|accounts)"
    r"|dormant (?:customers|buyers|accounts)|inactive (?:customers|buyers|accounts)|churned (?:customers|subscribers)"
    r"|serial returners|(?:high|heavy)[- ]returners|subscribe (?:&|and) save members|subscription customers|subscribers|auto-?ship customers)\b"
    r"|(?:VIP ?)?(?:會員|会员)|新客|沉睡客|老客|回頭客|回头客|忠實客戶|忠实客户|一次性客戶|一次性客户|流失客|訂閱戶|订阅户|訂閱會員|订阅会员"
)
PRONOUN_START = _rx(r"^\s*(?:(?:and|so|also|plus|but|oh|yeah|right)[,]?\s+)*(?:there (?:are|were|is)\b[^.]{0,40}\bof (?:them|those|these)\b|they|their|them|these|those|this (?:group|segment|cohort|tier)|that (?:group|segment)|he|she|他們|她們|他们|她们|這些|这些|這群|这群)\b")

# Phrases that carry a number but describe a lane or a time window rather than a metric; the
# number inside is used up so it is not reported as unplaced.
LANE_NUMBER_PHRASES = _rx(
    r"skipp(?:ed|ing) (?:\d+\+?|\w+) (?:or more )?(?:shipments?|deliveries|boxes|orders|months)|first (?:order|purchase)s? (?:in|within) (?:the )?(?:last|past) \d+ ?(?:days?|d|weeks?|months?)"
    r"|(?:\d+|three|four|five)\+ orders|top \d+ ?% (?:by|of) (?:spend|revenue|ltv|value)"
)
# "the 20%-off welcome code": the depth of an offer, not a metric (reported, not stored).
OFFER_DEPTH = _rx(r"\d{1,3} ?%[- ]?off\b|(?:打)?\d{1,2} ?折(?:券|優惠|优惠)")
TIME_WINDOW = _rx(
    r"(?:\b(?:in|over|during|within|for|from) )?(?:the )?\b(?:last|past|trailing|previous|first) \d+ ?(?:days?|d|weeks?|wks?|months?|mos?|m|years?|yrs?)\b"
    r"|\bwithin \d+ ?(?:days?|d|weeks?|months?)\b|\b(?:box|shipment|delivery|month|week|day|tier|cohort|group|wave|#) ?\d{1,2}(?![\d.,+])(?! ?(?:%|days?|d\b|weeks?|wks?|months?|mos?|years?|yrs?|x\b|times|or \d|to \d|-\d|dollars|bucks|euros?|pounds))"
    r"|\b[LT]\d+M\b|\bQ[1-4]\b|近 ?\d+ ?(?:天|週|周|個月|个月|年)|過去 ?\d+ ?(?:天|週|周|個月|个月|年)|过去 ?\d+ ?(?:天|周|个月|年)"
)
# "no order in 180+ days" is a recency figure even though it reads like a time window.
DAYS_SINCE_PHRASE = _rx(
    r"(?:no|zero|nothing|not (?:a |any )?(?:single )?|without (?:an? )?|haven'?t (?:placed )?(?:an? )?|hasn'?t (?:placed )?(?:an? )?|have not )\s*(?:orders?|ords?|purchases?|ordered|purchased|bought|buys?)?\s*(?:in|for|within|since)\s+(?:the\s+)?(?:last\s+|past\s+|over\s+|more than\s+)?"
    r"(\d{1,4})\+? ?(days?|d|weeks?|wks?|months?|mos?|years?|yrs?)\b"
)

# --- constraints ----------------------------------------------------------------------------
_PCT = r"(\d{1,3}(?:\.\d+)?) ?%"
DISCOUNT_CAPS: tuple[re.Pattern[str], ...] = (
    _rx(r"\b(?:no|never|not|don'?t|do not|won'?t|can'?t|cannot|nothing)\s+(?:\w+\s+){0,4}?(?:deeper|bigger|larger|greater|more|higher|over|above|beyond|past|exceed\w*)\s+(?:than\s+)?(?:about\s+)?" + _PCT),
    _rx(r"\b(?:discounts?|promos?|promotions?|offers?|coupons?|markdowns?)\s+(?:are\s+|is\s+)?(?:capped|limited|maxed(?: out)?|max)\s+(?:at|to)\s+" + _PCT),
    _rx(r"\bcap(?:ped|s)?\s+(?:\w+\s+){0,3}?(?:at|to)\s+" + _PCT),
    _rx(r"\b(?:max(?:imum)?|at most|no more than|not more than|never more than)\s+(?:of\s+)?(?:a\s+)?" + _PCT + r"\s*(?:off|discount)"),
    _rx(r"\b(?:max(?:imum)?|ceiling|cap|limit)\s+(?:discount|promo|off)\s*(?:is|of|=|:)?\s*" + _PCT),
    _rx(_PCT + r"\s*(?:off\s+)?(?:is\s+)?(?:the\s+|our\s+)?(?:hard\s+)?(?:max(?:imum)?|cap|ceiling|limit)\b"),
    _rx(r"\b(?:discounts?|promos?)\s+(?:must|should|have to|need to|can'?t|cannot)\s+(?:stay|be|remain|go|exceed)\s+(?:under|below|at or below|within|over|above|past|beyond|<=?)?\s*" + _PCT),
    _rx(r"折扣\s*(?:不|不能|不可|不得|最多|最高|上限)\s*(?:超過|超过|高於|高于|大於|大于|是|為|为)?\s*" + _PCT),
    _rx(r"(?:最多|最高|頂多|顶多|上限)\s*(?:打)?\s*" + _PCT),
)
# Chinese price notation: "8折" = pay 80% = 20% off; "85折" = 15% off.
DISCOUNT_ZHE = _rx(r"(?:最低|不低於|不低于|最多打|頂多打|顶多打|最多|最低打|頂多|顶多)\s*(\d{1,2})\s*折")
NO_DISCOUNTS = _rx(
    r"\bwe (?:don'?t|do not|never|can'?t|cannot|won'?t)\s+(?:offer|do|run|give)\s+(?:any\s+)?(?:discounts?|promos?|coupons?|sales)\b"
    r"|\bno (?:discounts?|discounting|promos?|promo codes?|coupons?)(?: (?:ever|at all|allowed|period))?\s*(?:[.;,!]|$)|\bnever discount|不打折|不能打折|不做折扣|不給折扣|不给折扣"
)
CONTRACT_PRICING = _rx(
    r"(?:cannot|can'?t|can not|not allowed to|unable to|may not|won'?t)\s+(?:offer|give|do)\s+(?:any\s+)?(?:discounts?|promos?|price breaks?)\s+(?:beyond|outside|below|other than|on top of)\s+(?:the\s+|our\s+|their\s+)?contract\w*"
    r"|contract(?:ed)? pric\w* only|pricing is (?:set|fixed|locked) by contract"
)
_NEG = r"(?:no|not|never|don'?t|do not|doesn'?t|does not|can'?t|cannot|won'?t|without|avoid|zero|stop(?:ped)?|ban(?:ned)?)"
_FILLER = r"(?:\s+(?:do|does|doing|send|sending|use|using|any|more|run|running|allowed to|allowed|allow|to|via|by|through|over|marketing|contact|contacting|customers|them|plans? for|for|we|us|our)){0,4}"
CHANNEL_WORDS: tuple[tuple[str, str], ...] = (
    ("sms", r"sms|mms|texts?|text messages?|text messaging|texting"),
    ("direct_mail", r"direct mail|mailers?|postcards?|catalou?gs?|print mail|snail mail"),
    ("push", r"push(?: notifications?)?"),
    ("email", r"emails?|e-mails?|newsletters?|edm"),
    ("paid_media", r"paid (?:media|ads|social|search)|retargeting"),
    ("community", r"community|facebook groups?|discord"),
)
CHANNEL_BANS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    pattern
    for channel, words in CHANNEL_WORDS
    for pattern in (
        (channel, _rx(rf"\b{_NEG}\b{_FILLER}\s+(?:{words})\b")),
        (channel, _rx(rf"\b(?:{words})\b\s+(?:is|are)\s+(?:off[- ]limits|not allowed|banned|forbidden|prohibited|not an option|a no-go|out)")),
    )
) + (
    ("sms", _rx(r"(?:不|不能|不可|禁止|不要|不會|不会|沒有|没有|不做|不用)\s*(?:發|发|傳|传|用|使用|做)?\s*(?:簡訊|简讯|短信|短訊|短讯|SMS)")),
    ("direct_mail", _rx(r"(?:不|不能|禁止|不做)\s*(?:寄)?\s*(?:DM|實體郵件|实体邮件|紙本|纸本|明信片|型錄|型录)")),
    ("push", _rx(r"(?:不|不能|禁止|不做)\s*(?:發|发|用)?\s*(?:推播|推送)")),
    ("email", _rx(r"(?:不|不能|禁止|不做)\s*(?:發|发|寄)?\s*(?:電子報|电子报|EDM|email|郵件|邮件)")),
)
NO_FREE_PRODUCT = _rx(
    r"\bno (?:free|complimentary) (?:products?|gifts?|samples?|giveaways?|items?|units?|goods|merch\w*|product giveaways?)|\bno (?:product )?giveaways?|\bno freebies|\bno gifts? with purchase|\bno gwp\b"
    r"|(?:can'?t|cannot|don'?t|do not|won'?t|never)\s+give\s+away\s+(?:any\s+)?(?:free\s+)?(?:products?|gifts?|samples?|items?|stuff)"
    r"|(?:can'?t|cannot|don'?t|do not|won'?t|never)\s+(?:give|send|offer|do)\s+(?:away\s+)?(?:any\s+)?(?:free (?:products?|gifts?|samples?|items?|stuff)|products? (?:away|for free)|freebies|giveaways)"
    r"|free (?:products?|gifts?|samples?) (?:are|is) (?:off[- ]limits|not allowed|banned|a no-go)|不(?:能)?送(?:贈品|赠品|小樣|小样|試用|试用)|不(?:給|给|提供)(?:贈品|赠品|試用品|试用品)|禁止(?:贈品|赠品)|無贈品|无赠品"
)
# A sentence that sets a rule we cannot enforce by machine still reaches constraints.other.
POLICY_CUE = _rx(
    r"\b(?:can'?t|cannot|can not|must|mustn'?t|not allowed|isn'?t allowed|aren'?t allowed|prohibited|forbidden|off[- ]limits|legal(?:ly)?|compliance|regulat\w*|fda|ftc|gdpr|approval|approved by|required|brand (?:guidelines|rules|policy)|policy|we (?:don'?t|do not|won'?t|never) (?:offer|allow|do|run|use|send|give|make)|only (?:via|through|by|use)|(?:must |everything )?goes? through|no (?:\w+ )?claims)\b|不能|不可|禁止|必須|必须|只能|不得|法規|法规"
)

# Cheap first looks: a lower-cased sentence containing none of these substrings cannot match
# the family's full patterns, so those are skipped (plain `in` is far cheaper than a regex).
INSTRUCTION_STEMS = ("ignore", "disregard", "prompt", "instruction", "override", "jailbreak", "pretend", "forget", "you are now", "as an ai", "忽略", "無視", "无视")
WINDOW_STEMS = ("last", "past", "trailing", "previous", "first", "within", "box", "shipment", "delivery", "order", "month",
                "week", "day", "tier", "cohort", "group", "wave", "#", "近", "過去", "过去", "skipp", "+", "top")
DAYS_SINCE_STEMS = ("no ", "zero", "not ", "without", "haven")
OFFER_STEMS = ("off", "折")
CURRENCY_STATEMENT_STEMS = ("currency", "figures", "amounts", "prices", "numbers", "all ", "幣", "币")


def mentions_any(lowered: str, stems: tuple[str, ...]) -> bool:
    return any(stem in lowered for stem in stems)


HAS_DIGIT = re.compile(r"\d")

TENSION_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("repeat_rate", _rx(r"repeat|retention|second (?:order|purchase)|come back|reorder|repurchase|回購|回购|複購|复购")),
    ("churn", _rx(r"churn|cancel|流失")),
    ("returns", _rx(r"\breturns?\b|return rate|退貨|退货")),
    ("margin_quality", _rx(r"margin|discount|毛利|折扣")),
    ("aov", _rx(r"\baov\b|order value|basket|客單價|客单价")),
)

# "Currency: USD", "figures in EUR": the currency for amounts written without a symbol.
CURRENCY_STATEMENT = _rx(
    r"(?:\bcurrency|figures|amounts|prices|numbers|all)\s*(?:is|are|in|:|=)?\s*(?:in\s+)?(USD|EUR|GBP|JPY|CNY|RMB|TWD|NTD|AUD|CAD|HKD|SGD|NZD)\b|(?:幣別|币别|貨幣|货币)\s*:?\s*(USD|EUR|GBP|JPY|CNY|RMB|TWD|NTD|AUD|CAD|HKD|SGD|NZD)"
)

CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("skincare", _rx(r"skin ?care|serums?|moisturi[sz]ers?|cleansers?|護膚|护肤|保養品|保养品")),
    ("beauty", _rx(r"beauty|cosmetics|make-?up|fragrance|美妝|美妆|彩妝|彩妆")),
    ("pet food", _rx(r"pet food|dog food|cat food|kibble|pet treats|寵物|宠物")),
    ("supplements", _rx(r"supplements?|vitamins?|protein powder|collagen|保健")),
    ("coffee", _rx(r"coffee|espresso|咖啡")),
    ("tea", _rx(r"\btea\b|teas\b|茶")),
    ("office supplies", _rx(r"office supplies|stationery|toner|janitorial|辦公用品|办公用品")),
    ("electronics accessories", _rx(r"phone cases?|chargers?|charging|cables?|electronics accessories|earbuds|headphones|\b3C\b")),
    ("candles", _rx(r"candles?|蠟燭|蜡烛")),
    ("home goods", _rx(r"home goods|homeware|bedding|linens?|kitchenware|cookware|furniture|home decor|家居|寢具|寝具")),
    ("specialty food", _rx(r"specialty food|gourmet|olive oil|hot sauce|chocolate|snacks?|cheese|pantry|sauces|spices|食品|零食")),
    ("jewelry", _rx(r"jewel(?:le)?ry|earrings|necklaces|飾品|饰品")),
    ("footwear", _rx(r"shoes|sneakers|footwear|boots")),
    ("apparel", _rx(r"apparel|clothing|fashion|clothes|streetwear|activewear|athleisure|denim|basics|服飾|服饰|衣服")),
)
# All categories in one pattern (group i = row i), for "which category word comes first".
ANY_CATEGORY = _rx("|".join(f"({pattern.pattern})" for _name, pattern in CATEGORIES))
