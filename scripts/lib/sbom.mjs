// A CycloneDX 1.5 SBOM (JSON) of zticache.exe, from the same component list as the notices
// (components.mjs): what the exe holds, with versions, package URLs, the registry's SHA-512 and
// licences. `npm sbom` describes the npm dependency tree instead (dev and unused packages in,
// node.exe and koffi.node out), so it is not used as is. Deterministic: no timestamp, and a serial
// number derived from the content, so two builds write the same bytes.
import { createHash } from 'node:crypto';

export function sbom(product, list) {
  const ref = (c) => `${c.name}@${c.version}`;
  const licenses = (id) => [/^[\w.+-]+$/.test(id) ? { license: { id } } : { expression: id }];
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      component: { type: 'application', 'bom-ref': ref(product), name: product.name, version: product.version, description: product.description, licenses: licenses(product.license) },
    },
    components: list.map((c) => ({
      type: c.type,
      'bom-ref': ref(c),
      name: c.name,
      version: c.version,
      description: c.where,
      licenses: licenses(c.license),
      purl: c.purl,
      ...(c.sha512 ? { hashes: [{ alg: 'SHA-512', content: c.sha512 }] } : {}),
    })),
    dependencies: [{ ref: ref(product), dependsOn: list.map(ref) }],
  };
  const h = createHash('sha256').update(JSON.stringify(bom)).digest('hex');
  const serialNumber = `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return `${JSON.stringify({ bomFormat: bom.bomFormat, specVersion: bom.specVersion, serialNumber, ...bom }, null, 2)}\n`;
}
