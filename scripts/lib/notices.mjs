// THIRD-PARTY-NOTICES.txt: every component's licence text, as the component ships it (components.mjs).
const RULE = '='.repeat(78);
const label = (c) => (c.title ? `${c.title} ${c.version} (${c.name})` : `${c.name} ${c.version}`);

export function noticesText(product, list) {
  const head = [
    `THIRD-PARTY SOFTWARE NOTICES: ${product.name} ${product.version}`,
    '',
    `${product.name}.exe is Node.js's node.exe with ${product.name}'s script and a native module inside it.`,
    'It includes the software below, each under its own licence, whose text follows as the software',
    `ships it. ${product.name} itself is under the MIT licence (LICENSE).`,
    '',
    ...list.map((c) => `  ${label(c).padEnd(52)} ${c.license}`),
    '',
  ];
  const body = list.flatMap((c) => [
    RULE,
    `${label(c)} (${c.license})`,
    c.where,
    ...(c.source ? [`Licence text: ${c.source}`] : []),
    RULE,
    '',
    ...c.texts.flatMap((t) => (c.texts.length > 1 ? [`--- ${t.file} ---`, '', t.text, ''] : [t.text, ''])),
  ]);
  return [...head, ...body].join('\n');
}
