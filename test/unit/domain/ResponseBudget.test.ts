import { PublishLimits } from '../../../src/domain/constants.js';
import { storedMessageBytes } from '../../../src/domain/messageSize.js';
import { deadLetterBytes, ResponseBudget } from '../../../src/domain/ResponseBudget.js';

describe('Class: ResponseBudget', () => {
  describe('Method: admit', () => {
    it('admits messages while their sizes add up to at most the budget', () => {
      // Prepare
      const budget = new ResponseBudget(1000);

      // Act
      const answers = [400, 600, 1].map((size) => budget.admit(size));

      // Assess
      expect(answers).toEqual([true, true, false]);
    });

    it('admits the first message even when it alone passes the budget, and nothing after it', () => {
      // Prepare
      const budget = new ResponseBudget(1000);

      // Act
      const answers = [5000, 1].map((size) => budget.admit(size));

      // Assess
      expect(answers).toEqual([true, false]);
    });

    it('counts nothing for a message it refuses, so a smaller one still fits', () => {
      // Prepare
      const budget = new ResponseBudget(1000);
      budget.admit(700);

      // Act
      const answers = [400, 300].map((size) => budget.admit(size));

      // Assess
      expect(answers).toEqual([false, true]);
    });
  });

  describe('Method: room', () => {
    it.each([
      { case: 'an untouched budget of four largest messages', budget: 4 * PublishLimits.messageBytes, used: [], room: 4 },
      { case: 'a budget with room for one more', budget: 4 * PublishLimits.messageBytes, used: [2.5 * PublishLimits.messageBytes], room: 1 },
      { case: 'a budget too small for another largest message', budget: 4 * PublishLimits.messageBytes, used: [3.5 * PublishLimits.messageBytes], room: 0 },
      { case: 'a budget smaller than one message, before the first', budget: 1024, used: [], room: 1 },
    ])('answers $room for $case', ({ budget, used, room }) => {
      // Prepare
      const counted = new ResponseBudget(budget);
      for (const size of used) counted.admit(size);

      // Act
      const answer = counted.room();

      // Assess
      expect(answer).toBe(room);
    });
  });
});

describe('Function: deadLetterBytes', () => {
  it('counts the stored message and the last error', () => {
    // Prepare
    const letter = { id: 'order-1', key: 'customer-7', body: { total: 42 }, attributes: { region: 'eu' }, lastError: 'smtp timeout' };

    // Act
    const size = deadLetterBytes(letter);

    // Assess
    expect(size).toBe(storedMessageBytes(letter) + 'smtp timeout'.length);
  });

  it('counts a body as stored when given, without serializing it again', () => {
    // Prepare
    const letter = { id: 'order-1', body: null, attributes: {}, lastError: null };

    // Act
    const size = deadLetterBytes(letter, '{"total": 42}');

    // Assess
    expect(size).toBe('{"total": 42}'.length + 'order-1'.length);
  });
});
