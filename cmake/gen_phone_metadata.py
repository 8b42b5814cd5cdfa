#!/usr/bin/env python3
"""Compact phone number tables from libphonenumber's PhoneNumberMetadata.xml.

Run by the build (cmake/phone_metadata.cmake), never by hand; nothing it writes
is committed. Outputs:
  --tables FILE    C++ tables for shared/pii/phone_metadata.h: per country
                   calling code its national prefix, the digit strings its
                   national numbers may be, and the written shapes of its
                   national formats (groups, separators, parentheses).
  --examples FILE  test rows (tests/pii_phone_examples_test.cpp): for every
                   region its example mobile and fixed-line numbers written
                   the way libphonenumber writes them: international, E.164
                   and national.
  --examples-json FILE  the same rows as JSON, for the wasm build's Node test
                   (tests/wasm/phone.test.mjs).

Only the standard library is used. libphonenumber's patterns use a small
regular-expression subset (digits, [classes], \\d, (?:groups), |, ?, {n},
{n,m}; no * or +), so every pattern denotes a finite set of digit strings.
The tables keep that set exact in length and in its first DEPTH digits and
let later digits be anything: the detector needs "could this be a number of
country X", not full validation, and this keeps the wasm module small.
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET

NUMBER_DEPTH = 4  # digits of a national number checked exactly
LEADING_DEPTH = 4  # digits of a format's leadingDigits checked exactly
ALL_DIGITS = 0x3FF
MAX_NSN = 17
MAX_GROUPS = 8  # must match phone_metadata::kMaxGroups


class MetadataError(Exception):
    pass


# ---- patterns -> sets of digit strings ---------------------------------------


def parse_pattern(text):
    """AST: ('alt', [sequence]); sequence: [(atom, lo, hi)]; atom: digit mask or ('alt', ...)."""
    p = re.sub(r"\s+", "", text)
    pos = 0

    def alternation():
        nonlocal pos
        seqs = [sequence()]
        while pos < len(p) and p[pos] == "|":
            pos += 1
            seqs.append(sequence())
        return ("alt", seqs)

    def sequence():
        items = []
        while pos < len(p) and p[pos] not in "|)":
            a = atom()
            items.append((a,) + quantifier())
        return items

    def atom():
        nonlocal pos
        c = p[pos]
        if c == "(":
            pos += 3 if p.startswith("?:", pos + 1) else 1
            inner = alternation()
            if pos >= len(p) or p[pos] != ")":
                raise MetadataError("unbalanced ( in " + p)
            pos += 1
            return inner
        if c == "[":
            end = p.index("]", pos)
            body, pos, mask, k = p[pos + 1 : end], end + 1, 0, 0
            while k < len(body):
                if body.startswith("\\d", k):
                    mask, k = mask | ALL_DIGITS, k + 2
                elif k + 2 < len(body) and body[k + 1] == "-":
                    for d in range(int(body[k]), int(body[k + 2]) + 1):
                        mask |= 1 << d
                    k += 3
                else:
                    mask, k = mask | (1 << int(body[k])), k + 1
            return mask
        if p.startswith("\\d", pos):
            pos += 2
            return ALL_DIGITS
        if c.isdigit():
            pos += 1
            return 1 << int(c)
        raise MetadataError("unsupported %r in pattern %s" % (c, p))

    def quantifier():
        nonlocal pos
        if pos < len(p) and p[pos] == "?":
            pos += 1
            return 0, 1
        if pos < len(p) and p[pos] == "{":
            end = p.index("}", pos)
            body, pos = p[pos + 1 : end], end + 1
            lo, _, hi = body.partition(",")
            return int(lo), int(hi or lo)
        if pos < len(p) and p[pos] in "*+":
            raise MetadataError("unbounded repetition in pattern " + p)
        return 1, 1

    ast = alternation()
    if pos != len(p):
        raise MetadataError("trailing input in pattern " + p)
    return ast


def expand(ast, depth):
    """The pattern's strings as a set of (first `depth` masks, length)."""

    def concat(a_set, b_set):
        return {((pa + pb)[:depth] if la < depth else pa, la + lb) for pa, la in a_set for pb, lb in b_set}

    def node(n):
        if isinstance(n, int):
            return {((n,), 1)}
        out = set()
        for seq in n[1]:
            cur = {((), 0)}
            for a, lo, hi in seq:
                base, options, rep = node(a), set(), {((), 0)}
                for k in range(hi + 1):
                    if k >= lo:
                        options |= rep
                    if k < hi:
                        rep = concat(rep, base)
                cur = concat(cur, options)
            out |= cur
        return out

    return node(ast)


def compress(pairs, prefix_only=False):
    """Rows (masks, length bitmask); rows differing in one mask are merged (an exact union)."""
    by_masks = {}
    for masks, n in pairs:
        by_masks[masks] = by_masks.get(masks, 0) | (0 if prefix_only else 1 << n)
    rows = set(by_masks.items())
    changed = True
    while changed:
        changed = False
        for at in range(max((len(m) for m, _ in rows), default=0)):
            groups = {}
            for masks, lengths in rows:
                key = (masks[:at] + (None,) + masks[at + 1 :], lengths) if at < len(masks) else (masks, lengths, 0)
                groups.setdefault(key, []).append((masks, lengths))
            merged = set()
            for members in groups.values():
                if len(members) == 1 or at >= len(members[0][0]):
                    merged |= set(members)
                    continue
                mask = 0
                for masks, _ in members:
                    mask |= masks[at]
                masks, lengths = members[0]
                merged.add((masks[:at] + (mask,) + masks[at + 1 :], lengths))
                changed = True
            rows = merged
    return sorted(rows, key=lambda r: (len(r[0]), r))


# ---- formats -> written shapes -----------------------------------------------


def capture_ranges(pattern):
    """'(\\d{2})(\\d{3,13})' -> [(2, 2), (3, 13)]."""
    ranges = []
    for m in re.finditer(r"\(\\d(?:\{(\d+)(?:,(\d+))?\})?\)", pattern):
        lo = int(m.group(1) or 1)
        ranges.append((lo, int(m.group(2) or lo)))
    if re.sub(r"\(\\d(?:\{\d+(?:,\d+)?\})?\)", "", pattern):
        raise MetadataError("format pattern is not a plain digit grouping: " + pattern)
    return ranges


def apply_prefix_rule(template, rule, national_prefix):
    """libphonenumber's national formatting: the first $n of the format becomes the rule, $NP the prefix."""
    if not rule:
        return template
    rule = rule.replace("$NP", national_prefix or "")
    m = re.search(r"\$\d", template)
    return template[: m.start()] + rule.replace("$FG", m.group(0)) + template[m.end() :]


def written_groups(template, ranges):
    """'(0$1) $2-$3' -> [{lit:'0', caps:[1], paren:True, sep:''}, ...] or None if unsupported."""
    groups, cur, sep, k = [], None, "", 0
    while k < len(template):
        c = template[k]
        if c == "$":
            n = int(template[k + 1])
            if cur is None:
                cur = {"lit": "", "caps": [], "paren": False, "sep": sep}
            cur["caps"].append(n)
            k += 2
            continue
        if c.isdigit():
            if cur is None:
                cur = {"lit": "", "caps": [], "paren": False, "sep": sep}
            if cur["caps"]:
                return None  # a literal after digits of the number: not a shape we model
            cur["lit"] += c
        elif c == "(":
            if cur is not None:
                return None
            cur = {"lit": "", "caps": [], "paren": True, "sep": sep}
        elif c == ")":
            if cur is None or not cur["paren"]:
                return None
            groups.append(cur)
            cur, sep = None, ""
        elif c in " -/." and cur is not None and cur["paren"]:
            pass  # "(06 $1)", "($NP-$FG)": the trunk prefix set apart inside one group
        elif c in " -/.":
            if cur is not None:
                groups.append(cur)
                cur = None
            sep = c
        else:
            return None
        k += 1
    if cur is not None:
        groups.append(cur)
    for g in groups:
        g["min"] = len(g["lit"]) + sum(ranges[n - 1][0] for n in g["caps"])
        g["max"] = len(g["lit"]) + sum(ranges[n - 1][1] for n in g["caps"])
        if len(g["lit"]) > 3 or g["max"] > MAX_NSN:
            return None
    return groups


def dropped_prefix(groups, ranges, leading_rows):
    """Digits of captures the format leaves out (Argentina's mobile '9'), read off leadingDigits; None if unknown."""
    used = [n for g in groups for n in g["caps"]]
    if used != sorted(used):
        return None
    missing = [n for n in range(1, len(ranges) + 1) if n not in used]
    if not missing:
        return ""
    if missing != list(range(1, len(missing) + 1)) or not leading_rows:
        return None
    width = sum(ranges[n - 1][0] for n in missing)
    if any(ranges[n - 1][0] != ranges[n - 1][1] for n in missing) or width > 2:
        return None
    digits = ""
    for at in range(width):
        masks = {r[0][at] if at < len(r[0]) else ALL_DIGITS for r in leading_rows}
        mask = masks.pop()
        if masks or bin(mask).count("1") != 1:
            return None
        digits += str(mask.bit_length() - 1)
    return digits


# ---- the metadata -------------------------------------------------------------


def text_of(element, path):
    found = element.find(path)
    return re.sub(r"\s+", "", found.text) if found is not None and found.text else None


def load(xml_path):
    root = ET.parse(xml_path).getroot()
    territories = list(root.iter("territory"))
    if len(territories) < 200:
        raise MetadataError("%s holds only %d territories" % (xml_path, len(territories)))
    by_code = {}
    for t in territories:
        by_code.setdefault(int(t.get("countryCode")), []).append(t)
    countries = []
    for code in sorted(by_code):
        members = by_code[code]
        main = next((t for t in members if t.get("mainCountryForCode") == "true"), members[0])
        numbers = set()
        for t in members:
            numbers |= expand(parse_pattern(text_of(t, "generalDesc/nationalNumberPattern")), NUMBER_DEPTH)
        countries.append({"code": code, "main": main, "members": members, "numbers": compress(numbers)})
    return countries


def formats_of(country):
    """National written shapes of the country's formats (each with its leadingDigits rows)."""
    main = country["main"]
    prefix = main.get("nationalPrefix") or ""
    shapes = []
    for f in main.iter("numberFormat"):
        ranges = capture_ranges(f.get("pattern"))
        leading = f.findall("leadingDigits")
        leading_rows = (
            compress(expand(parse_pattern(leading[-1].text), LEADING_DEPTH), prefix_only=True) if leading else []
        )
        template = f.find("format").text
        rule = f.get("nationalPrefixFormattingRule")
        templates = [apply_prefix_rule(template, rule, prefix)]
        if not rule or f.get("nationalPrefixOptionalWhenFormatting") == "true" or not prefix:
            templates.append(template)
        intl = f.find("intlFormat")
        if intl is not None and intl.text != "NA" and (not prefix or f.get("nationalPrefixOptionalWhenFormatting")):
            templates.append(intl.text)  # "415-555-0132": the grouping without the national prefix
        for tpl in dict.fromkeys(templates):
            groups = written_groups(tpl, ranges)
            if groups is None:
                continue
            nsn_prefix = dropped_prefix(groups, ranges, leading_rows)
            if nsn_prefix is None:
                continue
            shapes.append({"groups": groups, "leading": leading_rows, "nsn_prefix": nsn_prefix})
    return shapes


# ---- C++ output -----------------------------------------------------------------


class Tables:
    """Digit sets share rows, rows share mask strings, formats share group lists: stored once each."""

    def __init__(self):
        self.rows, self.sets = [], {}
        self.mask_strings, self.masks = {}, []
        self.length_sets = {0: 0}
        self.group_lists, self.groups = {}, []
        self.literals = {"": 0}

    def literal(self, digits):
        return self.literals.setdefault(digits, len(self.literals))

    def mask_string(self, masks):
        if masks not in self.mask_strings:
            self.mask_strings[masks] = len(self.masks)
            self.masks.extend(masks)
        return self.mask_strings[masks]

    def digit_set(self, rows):
        key = tuple(rows)
        if key not in self.sets:
            self.sets[key] = (len(self.rows), len(rows))
            for masks, lengths in rows:
                lengths_index = self.length_sets.setdefault(lengths, len(self.length_sets))
                self.rows.append((lengths_index, len(masks), self.mask_string(masks)))
        return self.sets[key]

    def group_list(self, groups):
        key = tuple((g["min"], g["max"], g["sep"], g["paren"], g["lit"]) for g in groups)
        if key not in self.group_lists:
            self.group_lists[key] = len(self.groups)
            self.groups.extend(key)
        return self.group_lists[key]

    def check(self):
        if len(self.literals) > 127:
            raise MetadataError("more than 127 distinct literal digit strings: widen WrittenGroup::literal")
        if len(self.length_sets) > 256:
            raise MetadataError("more than 256 distinct length sets: widen DigitRow::lengths")
        if max(len(self.rows), len(self.masks), len(self.groups)) > 0xFFFF:
            raise MetadataError("tables outgrew their 16-bit indexes")


def cpp_string(s):
    return '"' + s + '"'


def write_tables(countries, out):
    t = Tables()
    formats, country_lines = [], []
    for index, c in enumerate(countries):
        numbers = t.digit_set(c["numbers"])
        prefix = c["main"].get("nationalPrefix") or ""
        country_lines.append("    {%d, %s, {%d, %d}}," % (c["code"], cpp_string(prefix), numbers[0], numbers[1]))
        for shape in formats_of(c):
            leading = t.digit_set(shape["leading"])
            first = t.group_list(shape["groups"])
            formats.append((len(shape["groups"]), index, first, leading, shape["nsn_prefix"]))
    if len(countries) > 255:
        raise MetadataError("more than 255 country calling codes")
    t.check()
    formats.sort(key=lambda f: (f[0], f[1]))  # by group count: the detector looks at one slice
    by_count = [0] * (MAX_GROUPS + 2)
    for f in formats:
        if f[0] > MAX_GROUPS:
            raise MetadataError("a format has more than %d groups" % MAX_GROUPS)
        if f[3][1] > 255:
            raise MetadataError("a format's leadingDigits need more than 255 rows")
        by_count[f[0] + 1] += 1
    for n in range(1, len(by_count)):
        by_count[n] += by_count[n - 1]
    groups = [(lo, hi, sep, paren, t.literal(lit)) for lo, hi, sep, paren, lit in t.groups]
    formats = [(first, leading, count, country, t.literal(prefix)) for count, country, first, leading, prefix in formats]
    w = out.write
    w("// Generated by cmake/gen_phone_metadata.py from libphonenumber's\n")
    w("// PhoneNumberMetadata.xml at build time. Do not edit; not committed.\n")
    w('#include "pii/phone_metadata.h"\n\nnamespace sealshot::pii::phone_metadata {\n\n')
    w("const std::uint32_t kLengthSets[] = {%s};\n\n" % ", ".join("0x%x" % v for v in t.length_sets))
    w("const char kLiterals[][4] = {%s};\n\n" % ", ".join(cpp_string(v) for v in t.literals))
    w("const DigitRow kRows[] = {\n")
    for k in range(0, len(t.rows), 8):
        w("    " + " ".join("{%d, %d, %d}," % r for r in t.rows[k : k + 8]) + "\n")
    w("};\n\nconst std::uint16_t kMasks[] = {\n")
    for k in range(0, len(t.masks), 16):
        w("    " + ", ".join("0x%x" % m for m in t.masks[k : k + 16]) + ",\n")
    w("};\n\nconst Country kCountries[] = {\n" + "\n".join(country_lines) + "\n};\n")
    w("const std::size_t kCountryCount = %d;\n\n" % len(countries))
    w("const WrittenGroup kGroups[] = {\n")
    for lo, hi, sep, paren, lit in groups:
        sep = {"": "0", " ": "' '", "-": "'-'", "/": "'/'", ".": "'.'"}[sep]
        w("    {%d, %d, %s, %d, %s},\n" % (lo, hi, sep, lit, "true" if paren else "false"))
    w("};\n\nconst Format kFormats[] = {\n")
    for first, leading, count, country, prefix in formats:
        w("    {%d, %d, %d, %d, %d, %d},\n" % (first, leading[0], leading[1], count, country, prefix))
    w("};\n\n// kFormats[kFormatsByGroupCount[n] .. kFormatsByGroupCount[n + 1]) have n groups.\n")
    w("const std::uint16_t kFormatsByGroupCount[] = {%s};\n\n" % ", ".join(map(str, by_count)))
    w("}  // namespace sealshot::pii::phone_metadata\n")


# ---- test rows: libphonenumber's own formatting -----------------------------------


def java_template(template):
    return re.sub(r"\$(\d)", r"\\g<\1>", template)


def format_number(country, nsn, national):
    """libphonenumber's formatNsn: the first format whose leadingDigits and pattern fit."""
    main = country["main"]
    prefix = main.get("nationalPrefix") or ""
    all_formats = list(main.iter("numberFormat"))
    has_intl = any(f.find("intlFormat") is not None for f in all_formats)
    for f in all_formats:
        intl = f.find("intlFormat")
        if not national and has_intl and intl is not None and intl.text == "NA":
            continue
        leading = f.findall("leadingDigits")
        if leading and not re.match(re.sub(r"\s+", "", leading[-1].text), nsn):
            continue
        pattern = f.get("pattern")
        if not re.fullmatch(pattern, nsn):
            continue
        template = f.find("format").text
        if national:
            template = apply_prefix_rule(template, f.get("nationalPrefixFormattingRule"), prefix)
        elif intl is not None:
            template = intl.text
        return re.sub(pattern, java_template(template), nsn)
    return nsn


def examples(countries):
    """(region, type, international, E.164, national): the example mobile and fixed-line number of each region."""
    for c in countries:
        for t in c["members"]:
            region = t.get("id")
            if region == "001":
                continue  # non-geographic entities (+800 ...) have no national form
            mobile = text_of(t, "mobile/exampleNumber")
            fixed = text_of(t, "fixedLine/exampleNumber")
            # Tristan da Cunha publishes no mobile example: its fixed-line one stands in.
            for kind, nsn in (("mobile", mobile or fixed), ("fixed", fixed)):
                if nsn is None:
                    raise MetadataError("region %s has no %s example number" % (region, kind))
                intl = "+%d %s" % (c["code"], format_number(c, nsn, False))
                e164 = "+%d%s" % (c["code"], nsn)
                yield region, kind, intl, e164, format_number(c, nsn, True)


def write_examples(countries, out):
    out.write("// Generated by cmake/gen_phone_metadata.py: {region, type, international, E.164, national}.\n")
    for row in examples(countries):
        out.write('{"%s", "%s", u"%s", u"%s", u"%s"},\n' % row)


def write_examples_json(countries, out):
    keys = ("region", "type", "international", "e164", "national")
    json.dump([dict(zip(keys, row)) for row in examples(countries)], out, ensure_ascii=False, indent=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xml", required=True)
    ap.add_argument("--tables")
    ap.add_argument("--examples")
    ap.add_argument("--examples-json")
    args = ap.parse_args()
    try:
        countries = load(args.xml)
        if args.tables:
            with open(args.tables, "w", encoding="utf-8") as out:
                write_tables(countries, out)
        if args.examples:
            with open(args.examples, "w", encoding="utf-8") as out:
                write_examples(countries, out)
        if args.examples_json:
            with open(args.examples_json, "w", encoding="utf-8") as out:
                write_examples_json(countries, out)
    except (OSError, MetadataError, ET.ParseError) as e:
        print("gen_phone_metadata: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
