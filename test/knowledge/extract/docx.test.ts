import mammoth from "mammoth";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXTRACT_LIMITS, extractDocument } from "../../../src/knowledge/extract/index.js";
import { buildDocx, wordParagraph, wordPicture, wordTable } from "./fixtures.js";

const ROSTER = buildDocx(
  [
    wordParagraph("Team roster", "Heading1"),
    wordParagraph("The people who build the service."),
    wordTable([
      ["Name", "Role", "Office"],
      ["Ada", "engineer", "London"],
      ["Grace", "admiral", ""],
    ]),
    wordParagraph("On call", "Heading2"),
    wordParagraph("Ada is on call this week."),
  ].join(""),
  "Roster & rota",
);

describe("Word .docx extraction", () => {
  it("builds a fixture mammoth itself reads as a heading and a table", async () => {
    const { value } = await mammoth.convertToHtml({ buffer: ROSTER });
    expect(value).toContain("<h1>Team roster</h1>");
    expect(value).toContain("<table>");
  });

  it("keeps headings, and renders each table row with the header row", async () => {
    const doc = await extractDocument({ bytes: ROSTER, filename: "roster.docx" }, DEFAULT_EXTRACT_LIMITS);
    expect(doc.mimeType).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(doc.title).toBe("Roster & rota");
    expect(doc.blocks).toEqual([
      { text: "Team roster", kind: "heading", heading: "Team roster" },
      { text: "The people who build the service.", kind: "text", heading: "Team roster" },
      { text: "Name: Ada; Role: engineer; Office: London", kind: "row", heading: "Team roster" },
      { text: "Name: Grace; Role: admiral", kind: "row", heading: "Team roster" },
      { text: "On call", kind: "heading", heading: "On call" },
      { text: "Ada is on call this week.", kind: "text", heading: "On call" },
    ]);
  });

  it("recognises a .docx by its content even without a name", async () => {
    const doc = await extractDocument({ bytes: ROSTER }, DEFAULT_EXTRACT_LIMITS);
    expect(doc.blocks[0]!.text).toBe("Team roster");
  });

  it("leaves embedded images out of the text (mammoth would otherwise inline them as data URIs)", async () => {
    const bytes = buildDocx(wordParagraph("Before the picture.") + wordPicture("a chart") + wordParagraph("After."));
    const { value } = await mammoth.convertToHtml({ buffer: bytes });
    expect(value).toContain('src="data:image/png;base64,');
    const doc = await extractDocument({ bytes, filename: "pic.docx" }, DEFAULT_EXTRACT_LIMITS);
    expect(doc.blocks.map((b) => b.text)).toEqual(["Before the picture.", "After."]);
  });
});
