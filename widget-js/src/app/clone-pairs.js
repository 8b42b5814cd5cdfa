// Pairs each element copy with its original while modern-screenshot clones
// the DOM. The library calls filter(original) right before cloning an element
// and onCloneEachNode(copy) after the element's subtree, depth first and one
// at a time, so a stack pairs them. Text nodes get no onCloneEachNode call
// and are not pushed; the page's root gets no filter call and pops nothing.
// A same-origin frame's <html> is cloned in place of its <iframe> without a
// filter call, and the hook then runs twice on that one copy: first for the
// frame's <html>, then for the <iframe>; both are pushed, <html> on top.
import { frameDocument } from "./capture-frames.js";

export function createClonePairs() {
  const stack = [];
  return {
    /** From filter(node), when the node is going to be cloned. */
    entering(node) {
      if (node.nodeType !== 1) return;
      stack.push(node);
      if (node.tagName === "IFRAME") {
        const doc = frameDocument(node);
        if (doc) stack.push(doc.documentElement);
      }
    },
    /** The element being cloned now: the parent of the node filter() is asked about (null for the root's children). */
    current() {
      return stack.at(-1) ?? null;
    },
    /** From onCloneEachNode(copy): the original of that copy (null for the root). */
    leaving() {
      return stack.pop() ?? null;
    },
  };
}
