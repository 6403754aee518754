import { commandOfRequestUri, containerOfRequestUri } from '../../../lib/sources/containers/request-uri';

describe('exec request URIs', () => {
  it('reads the command parameters in order, form-decoded', () => {
    const uri = '/api/v1/namespaces/a/pods/b/exec?command=%2Fbin%2Fsh&command=-c&command=echo+hi%26bye&stdin=true';
    expect(commandOfRequestUri(uri)).toEqual(['/bin/sh', '-c', 'echo hi&bye']);
  });

  it('finds no command in a URI without one or without a query', () => {
    expect(commandOfRequestUri('/api/v1/namespaces/a/pods/b/attach?container=x')).toEqual([]);
    expect(commandOfRequestUri('/api/v1/namespaces/a/pods/b/exec')).toEqual([]);
    expect(commandOfRequestUri('/x?commander=1&command')).toEqual([]);
  });

  it('reads the container parameter', () => {
    expect(containerOfRequestUri('/x?command=ls&container=app%2D1')).toBe('app-1');
    expect(containerOfRequestUri('/x?command=ls')).toBeUndefined();
  });

  it('reads at most 256 parameters of a hostile query string', () => {
    const uri = `/x?${Array.from({ length: 10_000 }, () => 'command=a').join('&')}`;
    expect(commandOfRequestUri(uri)).toHaveLength(256);
  });
});
