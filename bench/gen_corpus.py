#!/usr/bin/env python3
"""Generate a synthetic, deterministic corpus for benchmarking `briefing build`.

Usage:
    python3 bench/gen_corpus.py N OUTDIR [--seed S]

Writes OUTDIR/site.yaml and OUTDIR/content/articles/a-<i>.md for i in 0..N-1.
About 30% of the articles are Bengali (`lang: bn`), the rest English. Each has
600-800 words of body text in paragraphs, an occasional `## ` heading, one
link and one bold phrase, 2-5 tags from a fixed pool of 200 (English and
Bengali), 1-2 sources from a pool of 30, and a date between 2020-01-01 and
2024-12-31 with a time and a +06:00 offset.

The output depends only on N and the seed: the same arguments always produce a
byte-identical corpus. Only the Python standard library is used. Existing
files named a-<digits>.md in OUTDIR/content/articles are removed first, so a
smaller N over an old, larger corpus leaves no stale articles behind.
"""

import argparse
import os
import re
import sys
import time

import random

# --------------------------------------------------------------------------
# Word lists (built in, so the generator needs nothing but the stdlib).
# --------------------------------------------------------------------------

EN_WORDS = """
the the the the the of of of of and and and and to to to in in in a a a for for
on on with with that that is was were has have had will would could said says
by by from from at at as as it its this these their they after before over
under between during against about into while since amid despite within
government minister ministry president parliament officials official agency
agencies talks meeting meetings summit delegation delegations envoy envoys
foreign defence trade economic economy budget market markets prices price
inflation growth exports imports sanctions agreement agreements treaty deal
deals plan plans proposal proposals statement statements report reports
reported announced confirmed denied expected planned signed approved rejected
discussed agreed warned urged called visited arrived left returned held
continued increased decreased raised cut extended launched opened closed
security military forces troops border region regional national international
global local capital city cities province provinces district coast port ports
river rail road roads bridge airport shipping cargo vessels fuel energy power
gas oil grain wheat rice fertiliser harvest farmers workers industry factory
factories companies company investors investment banks bank currency debt loan
loans fund funds aid assistance relief humanitarian refugees residents people
population families children students schools hospitals health doctors
patients vaccine disease water flood floods storm weather climate emissions
drought heat season week weeks month months year years day days morning
evening night today yesterday earlier later recent recently previous next first
second third last new old major minor key main senior junior former current
early late higher lower large small long short strong weak broad narrow public
private joint bilateral multilateral diplomatic political legal technical
cooperation dialogue negotiations consultations exchange exchanges visit
visits mission missions committee council commission panel court courts judge
law laws rules election elections vote votes voters party parties opposition
coalition leader leaders spokesperson analysts observers experts researchers
data figures survey estimate estimates percent million billion thousand tonnes
kilometres share rate rates level levels target targets deadline schedule
process framework measures steps response concerns pressure tension tensions
stability crisis conflict ceasefire peace talks route routes corridor supply
supplies demand production output services technology satellite launch
network networks media newspaper broadcast news briefing sources document
documents record records review reviews policy policies strategy priorities
""".split()

BN_WORDS = """
সরকার মন্ত্রী প্রধানমন্ত্রী রাষ্ট্রপতি মন্ত্রণালয় দেশ বিদেশ রাজধানী শহর গ্রাম জেলা
বিভাগ নির্বাচন ভোট দল রাজনীতি অর্থনীতি বাজার দাম মূল্য টাকা ব্যাংক ঋণ বাজেট কর
আমদানি রপ্তানি বাণিজ্য শিল্প কারখানা শ্রমিক কৃষক কৃষি ধান চাল গম ফসল বৃষ্টি বন্যা
ঝড় নদী সাগর পানি বিদ্যুৎ জ্বালানি গ্যাস তেল সড়ক সেতু রেল বন্দর বিমান জাহাজ যাত্রী
পরিবহন শিক্ষা বিদ্যালয় বিশ্ববিদ্যালয় শিক্ষার্থী শিক্ষক পরীক্ষা ফলাফল স্বাস্থ্য
হাসপাতাল চিকিৎসা চিকিৎসক রোগী ওষুধ টিকা নিরাপত্তা পুলিশ আদালত বিচার আইন সংসদ
সংবিধান আলোচনা বৈঠক সম্মেলন চুক্তি সমঝোতা প্রতিনিধি কূটনীতিক দূতাবাস সফর সীমান্ত
যুদ্ধ শান্তি সংঘাত সেনাবাহিনী মহড়া ক্ষেপণাস্ত্র প্রতিরক্ষা নিষেধাজ্ঞা জাতিসংঘ সংস্থা
প্রতিবেদন তথ্য সংবাদ সাংবাদিক গণমাধ্যম বিবৃতি ঘোষণা সিদ্ধান্ত পরিকল্পনা প্রকল্প
উন্নয়ন বিনিয়োগ প্রবৃদ্ধি মূল্যস্ফীতি বেকারত্ব দারিদ্র্য জনসংখ্যা নাগরিক মানুষ
পরিবার শিশু নারী যুবক প্রবীণ সমাজ সংস্কৃতি ভাষা সাহিত্য খেলা ক্রিকেট ফুটবল বিজয়
পরাজয় প্রযুক্তি ইন্টারনেট মোবাইল বিজ্ঞান গবেষণা পরিবেশ জলবায়ু তাপমাত্রা বন গাছ
উপকূল দ্বীপ পাহাড় অঞ্চল এলাকা সমুদ্র আকাশ মাটি খাদ্য খাবার বাসস্থান ত্রাণ সহায়তা
উদ্ধার দুর্যোগ দুর্ঘটনা আগুন ক্ষতি ক্ষয়ক্ষতি মৃত্যু আহত নিহত সাক্ষাৎ সাক্ষাৎকার
প্রশ্ন উত্তর দাবি অভিযোগ তদন্ত প্রমাণ সাক্ষী রায় শুনানি মামলা আপিল কমিশন কমিটি
পরিষদ সভা সংগঠন আন্দোলন বিক্ষোভ সমাবেশ মিছিল ধর্মঘট চাকরি বেতন আয় ব্যয় সঞ্চয়
বিক্রি ক্রেতা বিক্রেতা ব্যবসা ব্যবসায়ী উদ্যোক্তা মুনাফা লোকসান রিজার্ভ ডলার
মুদ্রা বিনিময় হার সুদ শেয়ার সূচক উৎপাদন সরবরাহ চাহিদা ঘাটতি উদ্বৃত্ত সংকট
সমাধান সংস্কার নীতি কৌশল লক্ষ্য অগ্রাধিকার চ্যালেঞ্জ সুযোগ সম্ভাবনা ঝুঁকি
উদ্বেগ আশা প্রত্যাশা সমর্থন বিরোধিতা সহযোগিতা সম্পর্ক আস্থা প্রতিশ্রুতি
অঙ্গীকার মতবিনিময় ঐকমত্য আঞ্চলিক আন্তর্জাতিক বৈশ্বিক জাতীয় স্থানীয় দ্বিপাক্ষিক
যৌথ সামরিক কৌশলগত রাজনৈতিক অর্থনৈতিক সামাজিক প্রশাসনিক নতুন পুরোনো বড় ছোট
গুরুত্বপূর্ণ প্রধান প্রথম দ্বিতীয় তৃতীয় শেষ আজ গতকাল আগামী বছর মাস সপ্তাহ দিন
রাত সকাল বিকেল সন্ধ্যা সময় এখন তখন আবার এখনও ইতিমধ্যে প্রায় অন্তত মাত্র আরও
বেশি কম সব অনেক কয়েকটি প্রতিটি কিছু এই সেই ওই তার তাদের আমাদের এবং ও কিন্তু তবে
যদি কারণ ফলে পর আগে মধ্যে সঙ্গে জন্য নিয়ে থেকে পর্যন্ত বিরুদ্ধে প্রতি দিকে
করেছে বলেছে জানিয়েছে হয়েছে দিয়েছে নিয়েছে চলছে রয়েছে থাকবে হবে পারে করবে
বলেন জানান করেন দেন নেন আসে যায় দেখা শোনা বোঝা চেষ্টা শুরু শেষে বাড়ছে কমছে
বেড়েছে কমেছে পৌঁছেছে ছেড়েছে ফিরেছে স্বাক্ষর বাস্তবায়ন পর্যালোচনা মূল্যায়ন
পর্যবেক্ষণ অনুমোদন প্রস্তাব খসড়া সংশোধন প্রকাশ প্রচার উদ্বোধন সমাপ্তি অংশগ্রহণ
নেতৃত্ব নেতা কর্মী কর্মকর্তা মুখপাত্র বিশেষজ্ঞ বিশ্লেষক গবেষক অধ্যাপক
""".split()

EN_TAGS = """
Afghanistan|Argentina|Australia|Austria|Bangladesh|Belarus|Belgium|Bhutan|Brazil|
Cambodia|Canada|Chile|China|Colombia|Denmark|Egypt|Ethiopia|Finland|France|
Georgia|Germany|Ghana|Greece|Hungary|India|Indonesia|Iran|Iraq|Ireland|Israel|
Italy|Japan|Jordan|Kazakhstan|Kenya|Laos|Lebanon|Malaysia|Maldives|Mexico|
Mongolia|Morocco|Myanmar|Nepal|Netherlands|New Zealand|Nigeria|North Korea|
Norway|Pakistan|Philippines|Poland|Portugal|Qatar|Romania|Russia|Saudi Arabia|
Singapore|South Africa|South Korea|Spain|Sri Lanka|Sweden|Switzerland|Taiwan|
Thailand|Turkey|Ukraine|United Kingdom|United States|Vietnam|
Agriculture|Aviation|Banking|Border Security|Budget|Central Banks|Climate|
Conflict|Courts|Cybersecurity|Cyclones|Defence|Diplomacy|Disasters|Drought|
Economy|Education|Elections|Energy|Environment|Exports|Fisheries|Floods|
Food Security|Foreign Aid|Health|Human Rights|Humanitarian Aid|Imports|
Inflation|Infrastructure|Investment|KCNA|Labour|Maritime|Media|Migration|
Military Drills|Mining|Missiles|Monsoon|Nuclear|Oil and Gas|Parliament|
Peace Talks|Ports|Public Health|Railways|Refugees|Renewables|Satellites|
Sanctions|Science|Shipping|Space|Sport|Summits|Supply Chains|Technology|
Telecoms|Tourism|Trade|Treaties|United Nations|Urban Development|Vaccines|Water|
Wildlife|Youth
""".replace("\n", "").split("|")

BN_TAGS = """
উত্তর কোরিয়া|দক্ষিণ কোরিয়া|রাশিয়া|চীন|জাপান|ভারত|পাকিস্তান|নেপাল|ভুটান|শ্রীলঙ্কা|
মিয়ানমার|ইউক্রেন|যুক্তরাষ্ট্র|যুক্তরাজ্য|ফ্রান্স|জার্মানি|তুরস্ক|ইরান|সৌদি আরব|
ইন্দোনেশিয়া|মালয়েশিয়া|থাইল্যান্ড|ভিয়েতনাম|কূটনীতি|নিষেধাজ্ঞা|জাতিসংঘ|অর্থনীতি|
বাণিজ্য|রপ্তানি|আমদানি|মূল্যস্ফীতি|ব্যাংক|বাজেট|নির্বাচন|সংসদ|আদালত|মানবাধিকার|
শরণার্থী|জলবায়ু|বন্যা|ঘূর্ণিঝড়|কৃষি|খাদ্য নিরাপত্তা|জ্বালানি|বিদ্যুৎ|স্বাস্থ্য|
শিক্ষা|প্রযুক্তি|বিজ্ঞান|মহাকাশ|প্রতিরক্ষা|সামরিক মহড়া|ক্ষেপণাস্ত্র|পারমাণবিক|
বন্দর|রেলপথ|গণমাধ্যম|শ্রম|ক্রিকেট|পটভূমি
""".replace("\n", "").split("|")

TAGS = EN_TAGS + BN_TAGS

SOURCES = [
    ("Reuters", "https://www.reuters.com/"),
    ("Associated Press", "https://apnews.com/"),
    ("AFP", "https://www.afp.com/"),
    ("KCNA", "http://www.kcna.kp/"),
    ("Yonhap", "https://en.yna.co.kr/"),
    ("TASS", "https://tass.com/"),
    ("Kyodo", "https://english.kyodonews.net/"),
    ("Xinhua", "http://www.news.cn/"),
    ("BSS", "https://www.bssnews.net/"),
    ("PTI", "https://www.ptinews.com/"),
    ("United Nations", "https://www.un.org/"),
    ("UN Security Council", "https://www.un.org/securitycouncil/"),
    ("World Bank", "https://www.worldbank.org/"),
    ("IMF", "https://www.imf.org/"),
    ("WHO", "https://www.who.int/"),
    ("FAO", "https://www.fao.org/"),
    ("UNHCR", "https://www.unhcr.org/"),
    ("WFP", "https://www.wfp.org/"),
    ("ASEAN Secretariat", "https://asean.org/"),
    ("European Commission", "https://commission.europa.eu/"),
    ("Desk correspondent", None),
    ("Regional stringer", None),
    ("Ministry statement", None),
    ("Press briefing", None),
    ("Official gazette", None),
    ("Port authority notice", "https://example.org/notices/port"),
    ("Central bank bulletin", "https://example.org/bulletins/central-bank"),
    ("Customs data release", "https://example.org/data/customs"),
    ("Met office bulletin", "https://example.org/bulletins/weather"),
    ("Election commission", "https://example.org/elections"),
]

AUTHORS = ["Desk staff", "Farhana Kabir", "Daniel Osei", "Nusrat Jahan",
           "Tomas Lindqvist", "Arif Hossain", "Mei Tanaka", "Sabina Akter"]

# 2020-01-01T00:00:00+06:00 .. 2024-12-31T23:59:59+06:00, as seconds since the
# local epoch (we only need a deterministic calendar, not real time zones).
_DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _calendar():
    days = []
    for y in range(2020, 2026):  # 2025 only for `updated` stamps
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        for m in range(12):
            n = _DAYS_IN_MONTH[m] + (1 if m == 1 and leap else 0)
            for d in range(1, n + 1):
                days.append("%04d-%02d-%02d" % (y, m + 1, d))
    return days


DAYS = _calendar()
N_DATE_DAYS = DAYS.index("2025-01-01")  # article dates stop at 2024-12-31


def stamp(rng):
    di = rng.randrange(N_DATE_DAYS)
    s = rng.randrange(86400)
    return di, "%sT%02d:%02d:%02d+06:00" % (DAYS[di], s // 3600, s // 60 % 60, s % 60)


def sentences(rng, words, bn):
    """Split a list of words into sentences of 6-18 words."""
    out = []
    i, n = 0, len(words)
    end = "।" if bn else "."
    while i < n:
        k = rng.randint(6, 18)
        chunk = words[i:i + k]
        i += k
        if len(chunk) > 5 and rng.random() < 0.35:
            c = rng.randrange(2, len(chunk) - 2)
            chunk[c] = chunk[c] + ","
        if not bn:
            chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
        out.append(" ".join(chunk) + end)
    return out


def article(rng, i):
    bn = rng.random() < 0.30
    vocab = BN_WORDS if bn else EN_WORDS
    nwords = rng.randint(600, 800)
    words = rng.choices(vocab, k=nwords)

    # One link and one bold phrase, each wrapping 1-3 existing words.
    a = rng.randrange(20, nwords // 2)
    la = rng.randint(1, 3)
    words[a] = "[" + words[a]
    words[a + la - 1] = words[a + la - 1] + "](https://example.org/ref/%d/%d)" % (i, a)
    b = rng.randrange(nwords // 2 + 5, nwords - 10)
    lb = rng.randint(1, 3)
    words[b] = "**" + words[b]
    words[b + lb - 1] = words[b + lb - 1] + "**"

    sents = sentences(rng, words, bn)
    blocks = []
    j = 0
    para_no = 0
    while j < len(sents):
        k = rng.randint(3, 6)
        if para_no > 0 and rng.random() < 0.25:
            h = rng.sample(vocab, rng.randint(2, 5))
            head = " ".join(h)
            if not bn:
                head = head[:1].upper() + head[1:]
            blocks.append("## " + head)
        blocks.append(" ".join(sents[j:j + k]))
        j += k
        para_no += 1

    tw = rng.sample(vocab, rng.randint(4, 9))
    title = " ".join(tw)
    if not bn:
        title = " ".join(w[:1].upper() + w[1:] for w in tw)
    di, date = stamp(rng)

    fm = ["---", 'title: "%s"' % title, "date: %s" % date]
    if rng.random() < 0.15:
        fm.append("updated: %sT%02d:00:00+06:00" % (DAYS[di + rng.randint(1, 14)], rng.randint(8, 23)))
    if rng.random() < 0.5:
        fm.append('summary: "%s"' % (" ".join(rng.choices(vocab, k=rng.randint(12, 24))) + ("।" if bn else ".")))
    if bn:
        fm.append("lang: bn")
    fm.append("tags:")
    for t in rng.sample(TAGS, rng.randint(2, 5)):
        fm.append('  - "%s"' % t)
    fm.append("sources:")
    for name, url in rng.sample(SOURCES, rng.randint(1, 2)):
        fm.append('  - name: "%s"' % name)
        if url:
            fm.append("    url: %s" % url)
    if rng.random() < 0.3:
        fm.append("authors:")
        for au in rng.sample(AUTHORS, rng.randint(1, 2)):
            fm.append('  - "%s"' % au)
    fm.append("---")
    return "\n".join(fm) + "\n\n" + "\n\n".join(blocks) + "\n"


DATE_LINE = re.compile(r"^date: (\S+)$", re.M)
EDITION_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.md\Z")
EDITION_SIZE = 5


def editions(rng, dated):
    """One edition a day, 18:00 Dhaka time, over the articles' date range, each listing the
    EDITION_SIZE latest articles published before it (fewer on the first days): the way a
    desk's daily briefing collects the day's reports. Yields (file name, text)."""
    dated = sorted(dated)
    if not dated:
        return
    first = DAYS.index(dated[0][0][:10])
    seen = 0
    for day in DAYS[first:N_DATE_DAYS]:
        cutoff = "%sT18:00:00+06:00" % day
        while seen < len(dated) and dated[seen][0] < cutoff:
            seen += 1
        picks = [slug for _, slug in dated[max(0, seen - EDITION_SIZE):seen]]
        if not picks:
            continue
        picks.reverse()  # newest first
        bn = rng.random() < 0.3
        vocab = BN_WORDS if bn else EN_WORDS
        fm = ["---"]
        if bn:
            fm += ['title: "দৈনিক ব্রিফিং %s"' % day, "lang: bn"]
        else:
            fm.append('title: "Daily briefing, %s"' % day)
        fm += ["date: %s" % cutoff, "articles:"]
        for slug in picks:
            if rng.random() < 0.4:
                note = " ".join(rng.choices(vocab, k=rng.randint(6, 12)))
                fm += ["  - slug: %s" % slug, '    note: "%s"' % note]
            else:
                fm.append("  - %s" % slug)
        fm.append("---")
        intro = " ".join(rng.choices(vocab, k=rng.randint(25, 45)))
        yield day + ".md", "\n".join(fm) + "\n\n" + intro[:1].upper() + intro[1:] + ("।" if bn else ".") + "\n"


SITE_YAML = """\
# Synthetic benchmark corpus generated by bench/gen_corpus.py (N=%d, seed=%d).
title: "Briefing benchmark corpus"
description: "Synthetic articles for timing briefing builds."
base_url: "https://example.org/"
language: en
timezone: Asia/Dhaka
paginate: 20
"""


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of articles")
    p.add_argument("outdir", help="output directory (created if missing)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--no-editions", action="store_true",
                   help="leave out the daily editions (content/editions/)")
    args = p.parse_args(argv)
    if args.n < 0:
        p.error("N must be >= 0")

    assert len(TAGS) == 200 and len({t.casefold() for t in TAGS}) == 200, len(TAGS)
    assert len(SOURCES) == 30

    t0 = time.perf_counter()
    art_dir = os.path.join(args.outdir, "content", "articles")
    os.makedirs(art_dir, exist_ok=True)
    stale = re.compile(r"a-\d+\.md\Z")
    for name in os.listdir(art_dir):
        if stale.match(name):
            os.remove(os.path.join(art_dir, name))
    with open(os.path.join(args.outdir, "site.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(SITE_YAML % (args.n, args.seed))

    ed_dir = os.path.join(args.outdir, "content", "editions")
    if os.path.isdir(ed_dir):
        for name in os.listdir(ed_dir):
            if EDITION_FILE.match(name):
                os.remove(os.path.join(ed_dir, name))

    rng = random.Random(args.seed)
    nbytes = 0
    dated = []
    for i in range(args.n):
        text = article(rng, i)
        dated.append((DATE_LINE.search(text).group(1), "a-%d" % i))
        data = text.encode("utf-8")
        nbytes += len(data)
        with open(os.path.join(art_dir, "a-%d.md" % i), "wb") as f:
            f.write(data)
    n_editions = 0
    if not args.no_editions:
        os.makedirs(ed_dir, exist_ok=True)
        # Its own random stream, so the articles are the same with or without editions.
        ed_rng = random.Random(args.seed * 7919 + 1)
        for name, data in editions(ed_rng, dated):
            data = data.encode("utf-8")
            nbytes += len(data)
            n_editions += 1
            with open(os.path.join(ed_dir, name), "wb") as f:
                f.write(data)
    dt = time.perf_counter() - t0
    print("gen_corpus: wrote %d articles and %d editions (%.1f MB) to %s in %.2fs"
          % (args.n, n_editions, nbytes / 1e6, args.outdir, dt), file=sys.stderr)


if __name__ == "__main__":
    main()
