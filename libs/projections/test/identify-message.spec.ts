import { identifyMessage } from '@newsroom/messaging';
import { parseWireEvent } from '@newsroom/projections';

const id = '0b5cbd2e-2f59-4f0e-9a57-5d0e7f3b1c11';

describe('identifyMessage: where a message the projector cannot read sits in the log', () => {
  it('reads the envelope of an event with a schema version the code does not know', () => {
    const value = JSON.stringify({ id, type: 'executive.departed', schemaVersion: 9, globalPosition: '42', data: {} });
    expect(() => parseWireEvent(value)).toThrow(/no schema version 9/);
    expect(identifyMessage(value, {})).toEqual({ position: '42', id, type: 'executive.departed' });
  });

  it('reads the envelope of an event of an unknown type', () => {
    const value = JSON.stringify({ id, type: 'board.dissolved', schemaVersion: 1, globalPosition: 7, data: {} });
    expect(() => parseWireEvent(value)).toThrow(/unknown event type/);
    expect(identifyMessage(value, {})).toEqual({ position: '7', id, type: 'board.dissolved' });
  });

  it('falls back to the relay headers when the value is not JSON', () => {
    expect(identifyMessage(Buffer.from('garbage'), { 'global-position': '13', 'event-id': id, 'event-type': 'x.y' })).toEqual({
      position: '13',
      id,
      type: 'x.y',
    });
  });

  it('keeps the position when the id is not a uuid, and gives up without any position', () => {
    expect(identifyMessage('{"id":"nope","globalPosition":"5"}', {})).toEqual({ position: '5', id: null, type: 'unknown' });
    expect(identifyMessage('garbage', {})).toBeNull();
    expect(identifyMessage('{"globalPosition":"-1"}', { 'global-position': 'x' })).toBeNull();
  });
});
