import { joinCommandLine } from '../../../lib/sources/linux/command-line';

describe('joining an argument vector into a command line', () => {
  it('joins plain arguments with single spaces, unchanged', () => {
    expect(joinCommandLine(['docker', 'run', '--privileged', '-v', '/:/host', 'alpine'])).toBe(
      'docker run --privileged -v /:/host alpine',
    );
  });

  it('double-quotes arguments that contain whitespace or are empty, escaping quotes and backslashes inside', () => {
    expect(joinCommandLine(['prlctl', 'start', 'Windows 11', ''])).toBe('prlctl start "Windows 11" ""');
    expect(joinCommandLine(['sh', '-c', 'echo "a\\b"'])).toBe('sh -c "echo \\"a\\\\b\\""');
  });

  it('leaves quotes inside an argument without whitespace alone', () => {
    expect(joinCommandLine(['echo', 'it"s'])).toBe('echo it"s');
  });
});
