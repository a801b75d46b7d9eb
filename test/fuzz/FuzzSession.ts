import { isDeepStrictEqual } from 'node:util';
import { requireStatus } from '../contract/harness/ApiClient.js';
import type { ContractTarget } from '../contract/harness/backends.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import type { RawResponse } from '../contract/harness/rawHttp.js';
import { captureSnapshot, type BrokerSnapshot } from '../contract/harness/snapshot.js';
import { keepAliveTransport } from '../contract/harness/transports.js';
import { fixtureDamage, FIXTURE_GROUPS, resetFixture, snapshotCost } from './fuzzFixture.js';
import type { FuzzRequest } from './FuzzRequest.js';
import type { FuzzTally } from './FuzzTally.js';
import type { RecentLookup } from './jsonText.js';
import { judge, type DocumentModel, type Verdict } from './oracle.js';
import { errorShapeProblems, readBody, responseProblems } from './responseChecks.js';
import { snapshotDiff } from './snapshotDiff.js';

/** A property did not hold; the message is the whole report of it. */
export class FuzzFailure extends Error {
  public override readonly name = 'FuzzFailure';
}

export interface FuzzSessionOptions {
  readonly backend: string;
  readonly target: ContractTarget;
  readonly model: DocumentModel;
  readonly tally: FuzzTally;
  /** A request without an answer by then fails. */
  readonly timeoutMs: number;
}

/** A snapshot is redone from a fresh fixture when valid requests have made it this costly. */
const MAX_SNAPSHOT_REQUESTS = 40;
const MAX_SNAPSHOT_BYTES = 2_000_000;
const RECENT_KEPT = 32;
const isRead = (method: string): boolean => ['GET', 'HEAD'].includes(method.toUpperCase());

/**
 * Sends fuzz requests to one backend and checks every property on the way.
 *
 * State is compared in windows: a snapshot, then requests that must be (and
 * were) rejected, then a snapshot that must equal the first. A request that may
 * be accepted closes the window before it is sent, so each rejected write is
 * covered by a before/after pair, and a window with several requests is cut down
 * to the culprit by shrinking. Rejected reads join the window at no cost.
 */
export class FuzzSession {
  private baseline: BrokerSnapshot | undefined;
  private pending: FuzzRequest[] = [];
  private readonly recent = new Map<string, string[]>();
  private readsOnlyWindows = 0;
  /** Reads the state back: the same checked client, over kept-alive connections (snapshots are most of the requests). */
  private readonly reader: Conveyor;

  public constructor(private readonly options: FuzzSessionOptions) {
    this.reader = new Conveyor(options.target.api.http.withTransport(keepAliveTransport()));
  }

  /** Freezes the clock (so that leases, delays and schedules never move on their own) and seeds the fixture. */
  public async start(): Promise<void> {
    this.options.target.clock.freeze();
    await this.reset();
  }

  public readonly lookup: RecentLookup = (pool, index) => {
    const values = this.recent.get(pool);
    return values === undefined || values.length === 0 ? undefined : values[index % values.length];
  };

  /** Runs one generated batch; throws FuzzFailure at the first property that does not hold. */
  public async run(requests: readonly FuzzRequest[]): Promise<void> {
    for (const request of requests) await this.send(request);
    // A window of rejected reads is checked one time in four: reads cannot reach a write handler.
    if (this.pending.some((request) => !isRead(request.method)) || (this.pending.length > 0 && (this.readsOnlyWindows += 1) % 4 === 0)) await this.closeWindow();
  }

  /** A problem when GET /healthz does not answer 200. */
  public async health(): Promise<string | undefined> {
    try {
      const response = await this.options.target.api.http.raw({ method: 'GET', target: '/healthz' }, this.options.timeoutMs);
      return response.status === 200 ? undefined : `GET /healthz answered ${response.status}`;
    } catch (error) {
      return `GET /healthz did not answer: ${(error as Error).message}`;
    }
  }

  private verdictOf(request: FuzzRequest, body: Buffer | undefined): Verdict {
    if (request.malformed || typeof request.target !== 'string') return { template: undefined, operation: undefined, mustReject: ['not valid HTTP/1.1'], unsure: [] };
    return judge(this.options.model, request.method.toUpperCase(), request.target, request.headers, body);
  }

  private problemsOf(request: FuzzRequest, verdict: Verdict, response: RawResponse): string[] {
    if (request.malformed) {
      const problems = response.status >= 400 && response.status < 500 ? [] : [`${response.status} to a request that is not valid HTTP/1.1 (a 4xx was expected)`];
      return [...problems, ...errorShapeProblems(this.options.model, response.status, readBody(response))];
    }
    const problems = responseProblems(this.options.model, request.method.toUpperCase(), request.targetText(), verdict, response);
    if (request.expect !== undefined && response.status !== request.expect) problems.push(`${response.status} where only ${request.expect} is right`);
    return problems;
  }

  private async send(request: FuzzRequest): Promise<void> {
    const text = request.bodyText(this.lookup);
    const verdict = this.verdictOf(request, text === undefined ? undefined : Buffer.from(text, 'utf8'));
    if (verdict.mustReject.length === 0 && !isRead(request.method)) await this.closeWindow();
    else await this.ensureBaseline();
    let response: RawResponse | undefined;
    let problems: string[];
    try {
      response = await this.options.target.api.http.raw(request.toRaw(this.lookup), this.options.timeoutMs);
      problems = this.problemsOf(request, verdict, response);
    } catch (error) {
      problems = [`no answer: ${(error as Error).message}`];
    }
    const reached = verdict.operation?.id ?? (verdict.template === undefined ? 'no operation' : 'undocumented method');
    this.options.tally.request(this.options.backend, request.malformed ? 'malformed HTTP' : reached, request.aim, response?.status);
    if (problems.length > 0) await this.fail(request, response, problems);
    if (response === undefined) return;
    if (response.status >= 400) {
      this.pending.push(request);
    } else {
      this.remember(response);
      if (!isRead(request.method)) this.baseline = undefined;
    }
  }

  /** Keeps ack ids and message ids the broker handed out, for later requests' Recent values. */
  private remember(response: RawResponse): void {
    const { json } = readBody(response);
    const pools: Record<string, string> = { ackId: 'ackIds', id: 'ids' };
    const visit = (value: unknown, depth: number): void => {
      if (depth > 4 || typeof value !== 'object' || value === null) return;
      for (const [key, item] of Object.entries(value)) {
        const pool = pools[key];
        if (pool !== undefined && typeof item === 'string') this.recent.set(pool, [item, ...(this.recent.get(pool) ?? [])].slice(0, RECENT_KEPT));
        else visit(item, depth + 1);
      }
    };
    visit(json, 0);
  }

  private async snapshot(): Promise<BrokerSnapshot> {
    this.options.tally.backend(this.options.backend).snapshots += 1;
    try {
      // A group can only be read while its topic exists; a valid delete may have removed it.
      const snapshot = await captureSnapshot(this.reader);
      const groups = FIXTURE_GROUPS.filter(({ topic }) => snapshot.topics.some((entry) => entry.topic.name === topic));
      const states = [];
      for (const { topic, group } of groups) states.push(requireStatus(`snapshot: group ${topic}/${group}`, await this.reader.getGroup(topic, group)));
      return { ...snapshot, groups: states };
    } catch (error) {
      this.baseline = undefined;
      this.pending = [];
      throw new FuzzFailure(`Reading the state back through the API failed: ${(error as Error).message}${await this.healthLine()}`);
    }
  }

  private async reset(): Promise<void> {
    this.options.tally.backend(this.options.backend).resets += 1;
    await resetFixture(this.reader);
    this.baseline = undefined;
    this.pending = [];
  }

  /** Makes sure there is a snapshot to compare with, restoring the fixture when valid requests wore it down. */
  private async ensureBaseline(): Promise<void> {
    if (this.baseline !== undefined) return;
    let snapshot = await this.snapshot();
    const cost = snapshotCost(snapshot);
    if (fixtureDamage(snapshot) !== undefined || cost.requests > MAX_SNAPSHOT_REQUESTS || cost.bytes > MAX_SNAPSHOT_BYTES) {
      await this.reset();
      snapshot = await this.snapshot();
    }
    this.baseline = snapshot;
  }

  /** Property (c): the rejected requests since the baseline changed nothing. */
  private async closeWindow(): Promise<void> {
    if (this.pending.length > 0 && this.baseline !== undefined) {
      const after = await this.snapshot();
      const window = this.pending;
      const before = this.baseline;
      this.pending = [];
      this.baseline = after;
      if (!isDeepStrictEqual(before, after)) {
        this.baseline = undefined;
        const requests = window.map((request) => `  ${request.describe()}`);
        const diff = snapshotDiff(before, after).map((line) => `  ${line}`);
        throw new FuzzFailure(
          [`✗ rejected request${window.length > 1 ? 's' : ''} changed the state (property c):`, ...requests, 'what changed:', ...diff].join('\n') + (await this.healthLine()),
        );
      }
    }
    this.pending = [];
    await this.ensureBaseline();
  }

  private async healthLine(): Promise<string> {
    const problem = await this.health();
    return problem === undefined ? '\n(the server is still up: GET /healthz answers 200)' : `\n✗ ${problem} (property d)`;
  }

  private async fail(request: FuzzRequest, response: RawResponse | undefined, problems: readonly string[]): Promise<never> {
    const answer = response === undefined ? 'no answer' : `${response.status} ${JSON.stringify(response.body.toString('utf8').slice(0, 300))}`;
    const lines = [request.describe(), `→ ${answer}`, ...problems.map((problem) => `✗ ${problem}`)];
    if (this.baseline !== undefined && response !== undefined && response.status < 400) {
      const diff = snapshotDiff(this.baseline, await this.snapshot());
      const others = this.pending.length === 0 ? '' : ` (or by one of the ${this.pending.length} rejected requests before it)`;
      if (diff.length > 0) lines.push(`what it changed${others}:`, ...diff.map((line) => `  ${line}`));
    }
    this.baseline = undefined;
    this.pending = [];
    throw new FuzzFailure(lines.join('\n') + (await this.healthLine()));
  }
}
