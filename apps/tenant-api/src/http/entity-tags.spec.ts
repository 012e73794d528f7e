import { ifMatchAccepts, parseIfMatch } from './entity-tags.ts';

describe('If-Match (RFC 9110)', () => {
  it.each([
    ['W/"3"', true],
    ['"3"', true],
    ['W/"2", W/"3"', true],
    ['"1","2" ,\t"3"', true],
    [', ,W/"3",', true],
    ['  *  ', true],
    ['"a,b", W/"3"', true],
    ['W/"2"', false],
    ['"03"', false],
    ['w/"3"', false],
    ['W/ "3"', false],
    ['3', false],
    ['"3', false],
    ['W/"2" W/"3"', false],
    ['W/"2", *', false],
    ['*, W/"3"', false],
    ['', false],
    [' , ', false],
    ['garbage', false],
  ])('%j at version 3 → %s', (value, accepted) => {
    expect(ifMatchAccepts(value, 3)).toBe(accepted);
  });

  it('keeps each tag whole, commas inside quotes included; a space is not part of any tag', () => {
    expect(parseIfMatch('"a,b", W/"x;y"')).toEqual({ any: false, tags: [{ weak: false, opaque: 'a,b' }, { weak: true, opaque: 'x;y' }] });
    expect(parseIfMatch('"x y"')).toEqual({ malformed: true });
  });
});
