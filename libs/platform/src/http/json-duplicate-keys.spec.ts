import { duplicateKeyPath } from './json-duplicate-keys.util';

const check = (text: string) => duplicateKeyPath(text, JSON.parse(text));

describe('duplicate names in a JSON body', () => {
  it('names the path of the first name given twice in one object, at any depth', () => {
    expect(check('{"type":"a","type":"b"}')).toBe('type');
    expect(check('{"data":{"organization":"org:x","role":"CEO","role":"CFO"}}')).toBe('data.role');
    expect(check('{"events":[{"id":1},{"id":2,"data":{"money":{"amount":"1","amount":"2"}}}]}')).toBe('events[1].data.money.amount');
    expect(check('[{"a":1},{"b":[1,"x",{"c":1,"c":2}]}]')).toBe('[1].b[2].c');
    expect(check('{ "a" : { "x" : 1 } ,\n "a" : 2 }')).toBe('a');
    expect(check('{"odd name":{"k":1,"k":1}}')).toBe('["odd name"].k');
  });

  it('takes one name in two objects, names inside strings, escapes and an own __proto__ as distinct', () => {
    expect(check('{"a":{"x":1},"b":{"x":1}}')).toBeNull();
    expect(check('{"a":"\\"a\\":1","b":"x\\\\","c":"{\\"d\\":1,\\"d\\":2}"}')).toBeNull();
    expect(check('{"__proto__":{"x":1},"y":[{"__proto__":1}]}')).toBeNull();
    expect(check('{"a":1,"\\u0061":2}')).toBe('a');
    expect(check('{"é":1,"e\\u0301":2}')).toBeNull();
    expect(check('[]')).toBeNull();
    expect(check('{}')).toBeNull();
  });

  it('walks a deep body without recursion', () => {
    const depth = 20_000;
    const deep = '['.repeat(depth) + '{"a":1,"a":2}' + ']'.repeat(depth);
    expect(check(deep)).toBe(`${'[0]'.repeat(depth)}.a`);
  });
});
