/**
 * The content of a simulated leak site: which units (blog posts, leak-thread
 * pages or pastes) exist, what records and notes each carries and which files
 * it attaches. Everything derives from the seed and a logical clock, so every
 * page is the same for the same seed and the same sequence of mutations.
 */
import { createHash } from 'node:crypto';
import { strToU8 } from 'fflate';
import { makeFiller, makeNotes, makePatients, type Note, type Patient } from '../../demo/synthetic-clinic.js';
import { createRng } from '../../matcher/identifiers/synthetic.js';
import { buildDocx } from './docx.js';
import { buildPdf } from './pdf.js';
import { buildPng } from './png.js';
import { leakCsv, noteExcerpt } from './records.js';
import type { Attachment, AttachmentKind, SiteShape, Unit, UnitRole } from './types.js';
import { buildZip, deflatedEntry } from './zip-writer.js';

const HOUR = 3_600_000;
/** 2026-10-01 08:00 UTC: the first post of every seed is near this time. */
const EPOCH = Date.UTC(2026, 9, 1, 8);
const ROLE_CYCLE: UnitRole[] = ['dump', 'other', 'notes', 'archive', 'other-soon', 'soon'];
const OTHER_VICTIMS = [
  'Nordhavn Freight Oy', 'Kestrel Dental Group', 'Birchwood Engineering AB', 'Solvik Municipality',
  'Greywater Law Partners', 'Ashford Accounting Ltd', 'Valkea Builders AS', 'Eastbrook Pharmacy',
  'Lumen Robotics GmbH', 'Harbor Point Logistics', 'Tammela Timber Oy', 'Oakridge Insurance Brokers',
];

export const sha256Hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** "Lakeside Therapy Centre" -> "lakeside-therapy-centre". */
export const slugify = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface CatalogOptions {
  shape: SiteShape;
  posts: number;
  seed: number;
  patients?: Patient[];
  notes?: Note[];
  victimName: string;
}

/** The mutable content of one site. */
export class Catalog {
  readonly shape: SiteShape;
  readonly seed: number;
  readonly victimName: string;
  readonly victimDomain: string;
  readonly patients: Patient[];
  readonly notes: Note[];
  readonly units: Unit[] = [];
  /** Logical clock (epoch ms); every mutation advances it by an hour. */
  clock: number;
  /** When anything last changed (Last-Modified of listings). */
  lastChange: number;
  /** When units were last added or removed (pagination links change). */
  structureChange: number;
  /** When the first unit was posted (Last-Modified of static pages). */
  readonly startedAt: number;
  private nextSerial = 0;
  private readonly firstChunk: number;
  private readonly initialPool: Patient[];
  private readonly reserve: Patient[];
  private reserveCursor = 0;
  private dataSlot = 0;
  private noteCursor = 0;

  constructor(o: CatalogOptions) {
    this.shape = o.shape;
    this.seed = o.seed;
    this.victimName = o.victimName;
    this.victimDomain = `${slugify(o.victimName)}.example`;
    this.patients = o.patients ?? makePatients(48, o.seed);
    this.notes = o.notes ?? makeNotes(10, o.seed + 1, 160);
    // A quarter of the records is held back for addPost/updatePost, so incremental crawls see new records.
    const held = Math.floor(this.patients.length / 4);
    this.initialPool = this.patients.slice(0, this.patients.length - held);
    this.reserve = this.patients.slice(this.patients.length - held);
    const roles = Array.from({ length: o.posts }, (_, s) => (s === o.posts - 1 && o.posts > 1 ? 'soon' : ROLE_CYCLE[s % ROLE_CYCLE.length]!));
    const dataUnits = roles.filter((r) => r === 'dump' || r === 'archive').length;
    this.firstChunk = Math.max(1, Math.ceil(this.initialPool.length / Math.max(1, dataUnits)));
    this.clock = EPOCH + (o.seed % 97) * 60_000;
    this.startedAt = this.clock;
    for (const role of roles) {
      this.units.push(this.makeUnit(role, this.initialRows(role)));
      this.clock += 30 * HOUR;
    }
    this.clock -= 30 * HOUR;
    this.lastChange = this.clock;
    this.structureChange = this.clock;
  }

  /** Publishes a new data unit with the next records not leaked before. */
  add(): Unit {
    this.tick();
    const unit = this.makeUnit('dump', this.reserveRows());
    this.units.push(unit);
    this.lastChange = this.clock;
    this.structureChange = this.clock;
    return unit;
  }

  /** Removes the unit at `index` (oldest first). */
  remove(index: number): void {
    this.at(index);
    this.units.splice(index, 1);
    this.lastChange = this.tick();
    this.structureChange = this.clock;
  }

  /** Publishes an addendum of further records on the unit at `index`. */
  update(index: number): void {
    const unit = this.at(index);
    unit.updates++;
    unit.published = true;
    unit.modified = this.tick();
    const rows = this.reserveRows();
    unit.addendumRows.push(...rows);
    if (this.shape === 'paste') {
      unit.attachments = [this.attachment('raw.txt', 'txt', strToU8(pasteText(this, unit)), unit.modified)];
    } else {
      unit.attachments.push(this.attachment(`addendum_${unit.updates}.csv`, 'csv', strToU8(leakCsv(rows)), unit.modified));
    }
    this.lastChange = this.clock;
  }

  /** The units of a listing, newest first. */
  newestFirst(): Unit[] {
    return [...this.units].reverse();
  }

  private at(index: number): Unit {
    const u = this.units[index];
    if (!u) throw new RangeError(`no post at index ${index}`);
    return u;
  }

  private tick(): number {
    this.clock += HOUR;
    return this.clock;
  }

  private initialRows(role: UnitRole): Patient[] {
    if (role !== 'dump' && role !== 'archive') return [];
    const k = this.dataSlot++;
    return this.initialPool.slice(k * this.firstChunk, (k + 1) * this.firstChunk);
  }

  private reserveRows(): Patient[] {
    const source = this.reserve.length > 0 ? this.reserve : this.patients;
    const n = Math.min(source.length, Math.max(1, Math.ceil(this.firstChunk / 2)));
    const out: Patient[] = [];
    for (let i = 0; i < n; i++) out.push(source[(this.reserveCursor + i) % source.length]!);
    this.reserveCursor += n;
    return out;
  }

  private takeNotes(role: UnitRole): Note[] {
    if ((role !== 'notes' && role !== 'archive') || this.notes.length === 0) return [];
    const out = [0, 1].map((i) => this.notes[(this.noteCursor + i) % this.notes.length]!);
    this.noteCursor += 2;
    return out.filter((n, i) => out.indexOf(n) === i);
  }

  private makeUnit(role: UnitRole, rows: Patient[]): Unit {
    const serial = this.nextSerial++;
    const rng = createRng(this.seed * 7919 + serial * 104_729 + 1);
    const other = role === 'other' || role === 'other-soon';
    const unit: Unit = {
      id: unitId(this.shape, this.seed, serial),
      serial,
      role,
      title: other ? OTHER_VICTIMS[Math.floor(rng() * OTHER_VICTIMS.length)]! : this.victimName,
      published: role !== 'soon' && role !== 'other-soon',
      created: this.clock,
      modified: this.clock,
      updates: 0,
      sizeLabel: `${(1 + rng() * 240).toFixed(1)} GB`,
      rows,
      addendumRows: [],
      notes: this.takeNotes(role),
      attachments: [],
    };
    unit.attachments = this.shape === 'paste'
      ? [this.attachment('raw.txt', 'txt', strToU8(pasteText(this, unit)), unit.created)]
      : this.filesFor(unit);
    return unit;
  }

  private filesFor(u: Unit): Attachment[] {
    const slug = slugify(u.title);
    const part = u.serial + 1;
    switch (u.role) {
      case 'dump':
        return [this.attachment(`${slug}_patients_part${part}.csv`, 'csv', strToU8(leakCsv(u.rows)), u.created)];
      case 'notes':
        return u.notes.flatMap((n, i) => {
          const base = n.ref.replace(/^.*\//, '').replace(/\.txt$/, '');
          return i % 2 === 0
            ? [this.attachment(`${base}.docx`, 'docx', buildDocx(n.text), u.created)]
            : [this.attachment(`${base}.pdf`, 'pdf', buildPdf(n.text), u.created)];
        });
      case 'archive': {
        const zip = buildZip([
          deflatedEntry('export/patients.csv', strToU8(leakCsv(u.rows))),
          ...u.notes.map((n) => deflatedEntry(`export/${n.ref}`, strToU8(n.text))),
        ]);
        return [this.attachment(`${slug}_export_part${part}.zip`, 'zip', zip, u.created)];
      }
      case 'other':
        return [this.attachment(`proof_${part}.png`, 'png', buildPng(this.seed * 31 + u.serial), u.created)];
      default:
        return [];
    }
  }

  private attachment(name: string, kind: AttachmentKind, body: Uint8Array, added: number): Attachment {
    return { name, kind, body, sha256: sha256Hex(body), added };
  }
}

function unitId(shape: SiteShape, seed: number, serial: number): string {
  const h = sha256Hex(`${shape}:${seed}:${serial}`);
  if (shape === 'forum') return String(70_000 + serial * 13 + (parseInt(h.slice(0, 4), 16) % 13));
  if (shape === 'paste') {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from({ length: 8 }, (_, i) => alphabet[parseInt(h.slice(i * 2, i * 2 + 2), 16) % 62]).join('');
  }
  return h.slice(0, 16);
}

/** The raw text of a paste. */
function pasteText(c: Catalog, u: Unit): string {
  const rng = createRng(c.seed * 13 + u.serial);
  const lines: string[] = [];
  switch (u.role) {
    case 'dump':
      lines.push(`# ${u.title} - patient export part ${u.serial + 1} (${u.rows.length} rows)`, leakCsv(u.rows));
      break;
    case 'notes':
      for (const n of u.notes) lines.push(`=== ${n.ref} ===`, n.text);
      break;
    case 'archive':
      lines.push(`# ${u.title} sample`, leakCsv(u.rows), ...u.notes.map((n) => `--- excerpt ---\n${noteExcerpt(n)}`));
      break;
    case 'other':
      lines.push(makeFiller(rng, 80));
      break;
    case 'soon':
    case 'other-soon':
      lines.push(
        `${u.title} (${u.title === c.victimName ? c.victimDomain : `${slugify(u.title)}.example`}) did not pay.`,
        `Full database and documents, ${u.sizeLabel}, will be published here soon. Proof next week.`,
      );
      break;
  }
  if (u.addendumRows.length > 0) lines.push(`# UPDATE ${u.updates}: more rows`, leakCsv(u.addendumRows));
  return `${lines.join('\n').trimEnd()}\n`;
}
