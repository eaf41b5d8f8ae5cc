import sharp from 'sharp';
import * as fs from 'node:fs';
import * as path from 'node:path';
(async () => {
  const root = process.argv[2]; const out = process.argv[3];
  const files: string[] = [];
  for (const c of fs.readdirSync(root).sort()) { const d = path.join(root, c, 'train', 'good'); if (fs.existsSync(d)) for (const f of fs.readdirSync(d).sort().slice(0, 3)) files.push(path.join(d, f)); }
  const W = 128;
  const comps = await Promise.all(files.slice(0, 36).map(async (f, i) => ({ input: await sharp(f).resize(W, W).toBuffer(), left: (i % 6) * W, top: Math.floor(i / 6) * W })));
  await sharp({ create: { width: 6 * W, height: 6 * W, channels: 3, background: '#000' } }).composite(comps).png().toFile(out);
})();
