// A string kept for the whole run (an inventory path, a file's identity) stored as one flat
// sequence of characters. A string built by concatenation is a tree in V8 (a cons string: two
// pointers to its parts, 32 bytes plus the parts) until something reads it; reading one character
// flattens it, and the next minor collection replaces the tree by the flat copy while it is still
// young. Flattened later, once promoted, the tree and its parts stay beside the copy: 100,000
// inventory paths and identities kept as trees take twice the memory.

export function flatString(s: string): string {
  s.charCodeAt(0);
  return s;
}
