/**
 * Streaming text of WordprocessingML (`word/document.xml`): XML arrives in pieces, paragraphs
 * (`<w:p>`) keep their text runs (`<w:t>`), tabs and breaks, and the text budget is checked
 * as the text grows, so a huge document is refused without ever being held whole.
 */
import { overLimit, utf8Length } from "./limits";

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, code: string) => {
    if (code[0] !== "#") return XML_ENTITIES[code.toLowerCase()] ?? "";
    const point =
      code[1] === "x" || code[1] === "X" ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
    // An out-of-range reference is malformed XML; keep it as written rather than fail the file.
    return Number.isInteger(point) && point >= 0 && point <= 0x10ffff ? String.fromCodePoint(point) : whole;
  });
}

/** Paragraph open and close, a text run (text holds no raw `<` in XML), tab, break. */
const TOKEN = /<w:p[ >]|<\/w:p>|<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>/g;
/** An opened text run whose end has not arrived yet. */
const OPEN_RUN = /<w:t[\s>]/;

/**
 * Collects the text of WordprocessingML pushed in pieces, at most `maxTextBytes` of it.
 *
 * @example
 * const text = new DocxTextCollector(1024 * 1024);
 * text.push('<w:p><w:r><w:t>Hello</w:t></w:r></w:p>');
 * text.finish(); // "Hello"
 */
export class DocxTextCollector {
  private pending = "";
  private readonly paragraphs: string[] = [];
  private current = "";
  private depth = 0;
  /** UTF-8 bytes of the text so far, paragraph separators included. */
  private bytes = 0;

  constructor(private readonly maxTextBytes: number) {}

  push(xml: string): void {
    if (this.pending !== "" && !xml.includes(this.pending.search(OPEN_RUN) === 0 ? "<" : ">")) {
      // Nothing here can finish what waits (a run ends at "<", a tag at ">"): append without a
      // rescan, so one long run arriving in many pieces costs linear time, not quadratic.
      this.pending += xml;
      this.checkPending();
      return;
    }
    const text = this.pending + xml;
    TOKEN.lastIndex = 0;
    let end = 0;
    for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
      this.token(match[0], match[1]);
      end = TOKEN.lastIndex;
    }
    const rest = text.slice(end);
    this.pending = rest.slice(cutPoint(rest));
    this.checkPending();
  }

  /** What waits for its end is an open run (text that counts anyway) or one unfinished tag. */
  private checkPending(): void {
    if (this.pending.length > this.maxTextBytes + 64 * 1024) this.tooLarge();
  }

  /** The document's text: paragraphs on their own lines, trimmed. */
  finish(): string {
    if (this.depth > 0) this.paragraphs.push(this.current);
    return this.paragraphs.join("\n").trim();
  }

  private token(whole: string, runText: string | undefined): void {
    if (whole.startsWith("<w:p")) {
      // Nested paragraphs (text boxes) join the paragraph around them.
      if (this.depth === 0) this.current = "";
      this.depth++;
    } else if (whole === "</w:p>") {
      if (this.depth === 0) return;
      this.depth--;
      if (this.depth === 0) {
        this.paragraphs.push(this.current);
        this.add(this.paragraphs.length > 1 ? 1 : 0);
      }
    } else if (this.depth > 0) {
      const piece = runText !== undefined ? decodeXml(runText) : whole === "<w:tab/>" ? "\t" : "\n";
      this.current += piece;
      this.add(utf8Length(piece));
    }
  }

  private add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.maxTextBytes) this.tooLarge();
  }

  private tooLarge(): never {
    throw overLimit(
      "extracted_text_bytes",
      this.maxTextBytes,
      `The document's text exceeds ${this.maxTextBytes} bytes (MAX_EXTRACTED_TEXT_BYTES)`,
    );
  }
}

/** Where the unprocessed tail must be kept from: an open text run, or a tag cut in half. */
function cutPoint(rest: string): number {
  const open = rest.search(OPEN_RUN);
  const lastTag = rest.lastIndexOf("<");
  const partial = lastTag >= 0 && !rest.includes(">", lastTag) ? lastTag : rest.length;
  return open >= 0 ? Math.min(open, partial) : partial;
}
