import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiWriteHeaders } from '../../docs/api-write-headers.decorator';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { submissionJsonSchema, validateSubmission } from '@newsroom/domain';
import { problems, RequireScope } from '@newsroom/platform';
import { ApiProblems, RECORDING_PROBLEMS } from '../../docs/api-problems.decorator';
import { BATCH_RESULT_SCHEMA, LOCATION_HEADER, RATE_LIMIT_HEADERS, RECORDED_SCHEMA } from '../../docs/responses.schema';
import { recordedBody, rejectionProblem } from '../../http/outcome.response';
import { requestMeta } from '../../http/request-meta.util';
import { idempotencyKey } from '../../http/path-params.util';
import { normaliseId, refusedSubmission } from '../shared/intents.mapper';
import { inexactNumbersByItem, refusingInexactNumbers } from '../shared/inexact-numbers.util';
import { DuplicateOutcome } from '../shared/write.types';
import { ReplayRefusedCommand } from './replay-refused.command';
import { BatchResult, RecordBatchCommand } from './record-batch.command';
import { RecordEventsCommand } from './record-events.command';
import { WriteCommands } from '../../http/write-deadline.service';

const MAX_BATCH = 1000;

@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly commands: WriteCommands) {}

  @Post()
  @HttpCode(200)
  @RequireScope('write')
  @ApiOperation({
    summary: 'Record one story event (201 created, 200 duplicate) or a batch {events: [...]} of up to 1000 (200 with per-item results).',
  })
  @ApiBody({
    schema: {
      oneOf: [
        submissionJsonSchema(),
        {
          type: 'object',
          properties: { events: { type: 'array', maxItems: MAX_BATCH, items: submissionJsonSchema() as object } },
          required: ['events'],
          additionalProperties: false,
        },
      ],
    },
  })
  @ApiWriteHeaders(
    "A UUID. One event: it becomes the event's id when the body has none (it must equal the body's `id` otherwise). A batch: each event without an `id` gets one named by the key and its index. A retry of the same request answers duplicate; the key with other content 409 (per item in a batch).",
  )
  @ApiResponse({
    status: 201,
    description: 'One event: created',
    schema: RECORDED_SCHEMA,
    headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
  })
  @ApiResponse({
    status: 200,
    description:
      'One event: duplicate (same id, same content), with its Location; a batch: per-item results (no Location). ' +
      'The two answers are told apart by their fields: `id` (one event) or `results` (a batch).',
    schema: { oneOf: [RECORDED_SCHEMA, BATCH_RESULT_SCHEMA] },
    headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
  })
  @ApiProblems(RECORDING_PROBLEMS)
  async record(
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
    @Headers('idempotency-key') keyHeader: string | undefined,
  ) {
    if (body && typeof body === 'object' && !Array.isArray(body) && 'events' in body) {
      // A batch is {events} alone: another key is a typo or a misplaced envelope field, refused like one in an envelope.
      const extra = Object.keys(body).filter((k) => k !== 'events');
      if (extra.length) throw problems.validation(extra.map((path) => ({ path, message: 'unknown field: a batch is {"events": [...]}' })));
      return this.recordBatch(body.events, req, idempotencyKey(keyHeader));
    }
    const key = idempotencyKey(keyHeader);
    const valid = refusingInexactNumbers(validateSubmission(body), req.inexactNumbers);
    if (!valid.ok) {
      const replay = await this.replayOfRefused(body, key);
      if (!replay) throw problems.validation(valid.errors);
      res.status(200).header('Location', `/v1/events/${replay.eventId}`);
      return recordedBody(replay, (body as { subject: string }).subject);
    }
    let submission = valid.value;
    if (key !== undefined) {
      if (submission.id !== undefined && normaliseId(submission.id) !== key) {
        throw problems.validation(
          [{ path: 'id', message: 'differs from the Idempotency-Key header: send one of them, or the same UUID in both' }],
          "The body's id and the Idempotency-Key header name two different events.",
        );
      }
      // The key is the event's id, as on corrections: a retry is a duplicate, the key with other content a conflict.
      submission = { ...submission, id: key };
    }
    const idField = key !== undefined && valid.value.id === undefined ? 'Idempotency-Key' : undefined;
    const [outcome] = await this.commands.execute(new RecordEventsCommand([submission], requestMeta(req), true, undefined, idField));
    if (outcome.status === 'rejected') throw rejectionProblem(outcome.error);
    res.status(outcome.status === 'created' ? 201 : 200).header('Location', `/v1/events/${outcome.eventId}`);
    return recordedBody(outcome, valid.value.subject);
  }

  /**
   * A refused event that names a stored event recorded with this very content (an earlier release took what today's
   * rules refuse): a retry, answered as a duplicate. Else null, and the 400 stands. Only a refused request reads this.
   */
  private async replayOfRefused(body: unknown, key: string | undefined): Promise<DuplicateOutcome | null> {
    const refused = refusedSubmission(body, key);
    // The body's id and the key name two events: refused whatever is stored.
    if (!refused || (key !== undefined && refused.eventId !== key)) return null;
    const [replay] = await this.commands.execute(new ReplayRefusedCommand([refused]));
    return replay;
  }

  private recordBatch(events: unknown, req: IngestRequest, key: string | undefined): Promise<BatchResult> {
    if (!Array.isArray(events)) throw problems.validation([{ path: 'events', message: 'must be an array' }]);
    if (events.length === 0 || events.length > MAX_BATCH) {
      throw problems.validation([{ path: 'events', message: `must hold 1 to ${MAX_BATCH} events` }]);
    }
    // Each item's inexact numbers refuse that item alone, as its other errors do.
    const inexact = inexactNumbersByItem(req.inexactNumbers);
    if (inexact.outside.length) throw problems.validation(inexact.outside);
    return this.commands.execute(new RecordBatchCommand(events, requestMeta(req), key, inexact.items));
  }
}
