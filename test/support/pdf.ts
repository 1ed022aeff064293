import { PDFDict, PDFDocument, PDFName, StandardFonts } from "pdf-lib";

/** A PDF with one page per entry of `pages`, each page's text drawn line by line. */
export async function makePdf(pages: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = pdf.addPage([612, 792]);
    let y = 740;
    for (const line of wrap(text, 90)) {
      page.drawText(line, { x: 50, y, size: 11, font });
      y -= 16;
    }
  }
  return Buffer.from(await pdf.save());
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (`${line} ${word}`.trim().length > width) {
      lines.push(line);
      line = word;
    } else line = `${line} ${word}`.trim();
  }
  if (line) lines.push(line);
  return lines;
}

/** Ten pages about ten different subjects, so a question about one finds one page. */
export const TEN_PAGES = [
  "Volcanoes form where magma rises through the crust. Basaltic lava flows are fluid while rhyolite is viscous and explosive.",
  "Honeybees communicate the direction of flowers with a waggle dance performed on the vertical comb of the hive.",
  "The Roman aqueducts carried water across valleys on arches, using a gentle and constant downhill gradient.",
  "Photosynthesis in chloroplasts converts light, water and carbon dioxide into glucose and releases oxygen.",
  "A sourdough starter is a culture of wild yeast and lactic acid bacteria fed with flour and water every day.",
  "Jupiter's Great Red Spot is an anticyclonic storm larger than the Earth that has lasted for centuries.",
  "Penguins in Antarctica huddle together in winter to conserve heat, rotating from the edge to the warm centre.",
  "The printing press of Johannes Gutenberg used movable metal type and oil-based ink around the year 1450.",
  "Glaciers carve U-shaped valleys and leave moraines of rock debris when the ice finally retreats.",
  "Espresso is brewed by forcing hot water at nine bars of pressure through finely ground, compacted coffee.",
].map((t, i) => `Page ${i + 1}. ${t} ${t}`);

/**
 * A one-page PDF whose text layer and title hold U+0000: its font's ToUnicode map reads every "X" as NUL, as a
 * damaged or hostile PDF may. The text extracts as "Lava \0\0 flows over the crust", the title as "Lava\0 notes".
 */
export async function makePdfWithNul(): Promise<Buffer> {
  const draft = await PDFDocument.create();
  const font = await draft.embedFont(StandardFonts.Helvetica);
  draft.addPage([612, 792]).drawText("Lava XX flows over the crust", { x: 50, y: 740, size: 11, font });
  // The font is written out on save; the map is attached to the saved font dictionary.
  const pdf = await PDFDocument.load(await draft.save());
  const cmap = [
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /NulX def /CMapType 2 def",
    "1 begincodespacerange <00> <FF> endcodespacerange",
    "1 beginbfrange <20> <7E> <0020> endbfrange",
    "1 beginbfchar <58> <0000> endbfchar",
    "endcmap CMapName currentdict /CMap defineresource pop end end",
  ].join("\n");
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (object instanceof PDFDict && object.get(PDFName.of("Type")) === PDFName.of("Font"))
      object.set(PDFName.of("ToUnicode"), pdf.context.register(pdf.context.stream(cmap)));
  }
  pdf.setTitle("Lava\u0000 notes");
  return Buffer.from(await pdf.save());
}
