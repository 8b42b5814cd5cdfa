// modern-screenshot's getDiffStyle, the same result in less time. The clone
// calls it once per copied element with that element's property list
// (~150 names on a template page): for each name the library took a
// substring, filed [value, priority] in a Map of Maps by the name's prefix
// (the part before its last "-") and compared it with the tag's default; a
// property that differs is written, and with one of a prefix group
// (border-top-width) the whole group is. That bookkeeping, ~100,000
// substrings and small arrays per capture, was a tenth of the clone. Here the
// prefixes and groups are worked out once per list (the lists are shared
// arrays, app/style-gates.js) and a pair is made only for what is written.
//
// Same Map, entries in the same order: the properties without a prefix that
// differ, in list order, then each group in the order its first differing
// member comes, its members in list order. widget-js/build.mjs puts this in
// the library's place; widget-js/test/diff-style.test.mjs compares the two.

const plans = new WeakMap(); // a property list → {prefixes, groups}

function planFor(names) {
  let plan = plans.get(names);
  if (!plan) {
    const prefixes = names.map((name) => {
      const last = name.lastIndexOf("-");
      return last > 0 ? name.substring(0, last) : undefined; // "" is no prefix, as in the library
    });
    const groups = new Map(); // prefix → indices into names
    prefixes.forEach((prefix, i) => {
      if (prefix === undefined) return;
      const group = groups.get(prefix);
      if (group) group.push(i);
      else groups.set(prefix, [i]);
    });
    plan = { prefixes, groups };
    plans.set(names, plan);
  }
  return plan;
}

/** Map of name → [value, priority]: what the library's getDiffStyle returns for these arguments. */
export function diffStyle(style, defaultStyle, includeStyleProperties) {
  const names = includeStyleProperties ?? Array.from({ length: style.length }, (_, i) => style.item(i));
  const { prefixes, groups } = planFor(names);
  const values = new Array(names.length);
  const priorities = new Array(names.length);
  const diff = new Map();
  const differingGroups = new Set(); // in the order of their first differing member
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = style.getPropertyValue(name);
    const priority = style.getPropertyPriority(name);
    values[i] = value;
    priorities[i] = priority;
    if (defaultStyle.get(name) === value && !priority) continue;
    const prefix = prefixes[i];
    if (prefix === undefined) diff.set(name, [value, priority]);
    else differingGroups.add(prefix);
  }
  for (const prefix of differingGroups) {
    for (const i of groups.get(prefix)) diff.set(names[i], [values[i], priorities[i]]);
  }
  return diff;
}
