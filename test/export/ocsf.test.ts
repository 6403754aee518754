import { OCSF_VERSION, toOcsf } from '../../lib/export/ocsf';
import type { EventCategory, EventFields, NormalizedEvent, Platform } from '../../lib/model';

function eventOf(category: EventCategory, fields: EventFields, platform: Platform = 'windows'): NormalizedEvent {
  return {
    category,
    platform,
    time: '2026-11-27T10:15:39.901Z',
    timeMs: Date.parse('2026-11-27T10:15:39.901Z'),
    host: {
      hostname: 'ws-eng-0031',
      instanceId: 'i-0123456789abcdef0',
      agentId: 'c5a964ea',
      accountId: '123456789012',
      region: 'eu-west-1',
      logStream: 'i-0123456789abcdef0',
    },
    provenance: { envelope: 'cloudwatch', index: 4, logGroup: '/vmsentry/edr', format: 'mde', recordId: '18342' },
    fields,
  };
}

const WSL_IMPORT: EventFields = {
  Image: 'C:\\Windows\\System32\\wsl.exe',
  CommandLine: 'wsl.exe --import kali C:\\Users\\Public\\k kali.tar',
  ProcessId: 9124,
  ProcessGuid: '{aa6b4a20-23a4-5c91-0000-0010a4d41e05}',
  ParentImage: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  ParentCommandLine: 'powershell.exe -NoProfile',
  ParentProcessId: 6640,
  User: 'CONTOSO\\asmith',
  IntegrityLevel: 'Medium',
  Hashes: 'SHA256=8B4A2C6E,MD5=5D41402A,IMPHASH=7FF0758B',
  OriginalFileName: 'wsl.exe',
  Company: 'Microsoft Corporation',
  CurrentDirectory: 'C:\\Users\\asmith\\',
};

describe('OCSF export', () => {
  describe('every class', () => {
    const record = toOcsf(eventOf('process_creation', WSL_IMPORT));

    it('names vmsentry as the product and the targeted OCSF version', () => {
      expect(record.metadata).toMatchObject({
        version: OCSF_VERSION,
        product: { name: 'vmsentry', vendor_name: 'vmsentry' },
        uid: '18342',
        log_name: 'mde',
        profiles: ['host', 'cloud'],
      });
    });

    it('carries the time in epoch ms, the device and the AWS account', () => {
      expect(record.time).toBe(Date.parse('2026-11-27T10:15:39.901Z'));
      expect(record.device).toMatchObject({
        hostname: 'ws-eng-0031',
        instance_uid: 'i-0123456789abcdef0',
        uid: 'c5a964ea',
        os: { type: 'Windows', type_id: 100 },
      });
      expect(record.cloud).toEqual({ provider: 'AWS', region: 'eu-west-1', account: { uid: '123456789012' } });
    });

    it('keeps vmsentry provenance and the log stream under unmapped', () => {
      expect(record.unmapped).toMatchObject({
        host: { log_stream: 'i-0123456789abcdef0' },
        vmsentry: { category: 'process_creation', platform: 'windows', provenance: { format: 'mde', index: 4 } },
      });
    });

    it('omits device and cloud when the host is unknown', () => {
      const bare = toOcsf({ ...eventOf('process_creation', WSL_IMPORT), host: {} });
      expect(bare.device).toBeUndefined();
      expect(bare.cloud).toBeUndefined();
      expect((bare.metadata as Record<string, unknown>).profiles).toBeUndefined();
    });
  });

  describe('process_creation as Process Activity: Launch', () => {
    const record = toOcsf(eventOf('process_creation', WSL_IMPORT));

    it('has the Process Activity classification', () => {
      expect(record).toMatchObject({
        class_uid: 1007,
        category_uid: 1,
        activity_id: 1,
        activity_name: 'Launch',
        type_uid: 100701,
        severity_id: 1,
      });
    });

    it('maps the launched process with file, hashes and user', () => {
      expect(record.process).toMatchObject({
        pid: 9124,
        uid: '{aa6b4a20-23a4-5c91-0000-0010a4d41e05}',
        name: 'wsl.exe',
        cmd_line: 'wsl.exe --import kali C:\\Users\\Public\\k kali.tar',
        integrity: 'Medium',
        working_directory: 'C:\\Users\\asmith\\',
        user: { name: 'CONTOSO\\asmith' },
        file: {
          name: 'wsl.exe',
          path: 'C:\\Windows\\System32\\wsl.exe',
          type_id: 1,
          company_name: 'Microsoft Corporation',
          hashes: [
            { algorithm_id: 3, algorithm: 'SHA-256', value: '8B4A2C6E' },
            { algorithm_id: 1, algorithm: 'MD5', value: '5D41402A' },
            { algorithm_id: 99, algorithm: 'IMPHASH', value: '7FF0758B' },
          ],
        },
      });
    });

    it('puts the parent in both process.parent_process and actor.process', () => {
      const parent = { pid: 6640, name: 'powershell.exe', cmd_line: 'powershell.exe -NoProfile' };
      expect((record.process as Record<string, unknown>).parent_process).toMatchObject(parent);
      expect(record.actor).toMatchObject({ process: parent, user: { name: 'CONTOSO\\asmith' } });
    });

    it('sends fields OCSF has no attribute for to unmapped and nothing mapped twice', () => {
      expect(record.unmapped).toMatchObject({ OriginalFileName: 'wsl.exe' });
      expect(record.unmapped).not.toHaveProperty('Image');
      expect(record.unmapped).not.toHaveProperty('CommandLine');
    });

    it('gives Linux events the Linux OS type', () => {
      const linux = toOcsf(eventOf('process_creation', { Image: '/usr/bin/qemu-system-x86_64' }, 'linux'));
      expect((linux.device as Record<string, unknown>).os).toMatchObject({ type_id: 200 });
    });
  });

  describe('ps_script as Script Activity: Execute', () => {
    const record = toOcsf(
      eventOf('ps_script', {
        ScriptBlockText: 'Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All',
        ScriptBlockId: 'd1c7e1a0-0b6b-4f3e-9a51-2b4c6d8e0f12',
        Path: 'C:\\Users\\Public\\hv.ps1',
        MessageNumber: 1,
        MessageTotal: 2,
        Partial: true,
      }),
    );

    it('has the Script Activity classification', () => {
      expect(record).toMatchObject({ class_uid: 1009, category_uid: 1, activity_id: 1, type_uid: 100901 });
    });

    it('maps the script block as PowerShell content, marking a partial block as truncated', () => {
      expect(record.script).toEqual({
        script_content: {
          value: 'Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All',
          is_truncated: true,
        },
        type_id: 2,
        type: 'PowerShell',
        uid: 'd1c7e1a0-0b6b-4f3e-9a51-2b4c6d8e0f12',
        file: { name: 'hv.ps1', path: 'C:\\Users\\Public\\hv.ps1', type_id: 1, type: 'Regular File' },
      });
      expect(record.unmapped).toMatchObject({ MessageNumber: 1, MessageTotal: 2 });
    });

    it('reports a complete block without the truncation flag', () => {
      const whole = toOcsf(eventOf('ps_script', { ScriptBlockText: 'Get-VM' }));
      expect(whole.script).toMatchObject({ script_content: { value: 'Get-VM' } });
      expect((whole.script as { script_content: Record<string, unknown> }).script_content.is_truncated).toBeUndefined();
    });
  });

  describe('service_install as Windows Service Activity: Create', () => {
    const record = toOcsf(
      eventOf('service_install', {
        ServiceName: 'VBoxDrv',
        ImagePath: '\\??\\C:\\Users\\Public\\vbox\\VBoxDrv.sys',
        ServiceType: 'kernel mode driver',
        StartType: 'demand start',
        AccountName: 'LocalSystem',
        EventID: 7045,
        Channel: 'System',
        Provider: 'Service Control Manager',
      }),
    );

    it('uses the Windows extension class and declares the extension', () => {
      expect(record).toMatchObject({ class_uid: 201004, activity_id: 1, type_uid: 20100401 });
      expect(record.metadata).toMatchObject({
        extensions: [{ name: 'win', uid: '2', version: '1.1.0' }],
        event_code: '7045',
        log_name: 'System',
        log_provider: 'Service Control Manager',
      });
    });

    it('maps the service with its type and start type enums', () => {
      expect(record.win_service).toEqual({
        name: 'VBoxDrv',
        cmd_line: '\\??\\C:\\Users\\Public\\vbox\\VBoxDrv.sys',
        service_type: 'kernel mode driver',
        service_type_id: 1,
        service_start_type: 'demand start',
        service_start_type_id: 3,
        service_start_name: 'LocalSystem',
      });
    });

    it('maps unknown type texts to Other', () => {
      const other = toOcsf(eventOf('service_install', { ServiceName: 'x', ServiceType: 'adapter' }));
      expect(other.win_service).toMatchObject({ service_type_id: 99 });
    });
  });

  describe('container_launch as API Activity with the container object', () => {
    const record = toOcsf(
      eventOf(
        'container_launch',
        {
          ApiService: 'k8s.io',
          ApiOperation: 'create',
          ApiResource: 'pods',
          ApiResult: '201',
          SourceIp: '10.0.4.12',
          UserAgent: 'kubectl/v1.31.0',
          Actor: 'system:serviceaccount:ci:deployer',
          PodName: 'debug-kali',
          Namespace: 'ci',
          ContainerName: 'kali',
          ContainerImage: 'docker.io/kalilinux/kali-rolling:latest',
          Privileged: true,
          HostPID: true,
          HostPathMounts: ['/'],
        },
        'kubernetes',
      ),
    );

    it('has the API Activity classification, Create for a create verb', () => {
      expect(record).toMatchObject({ class_uid: 6003, category_uid: 6, activity_id: 1, type_uid: 600301 });
    });

    it('maps the API call, the caller and its address', () => {
      expect(record.api).toEqual({ operation: 'create', service: { name: 'k8s.io' } });
      expect(record.actor).toEqual({ user: { name: 'system:serviceaccount:ci:deployer' } });
      expect(record.src_endpoint).toEqual({ ip: '10.0.4.12' });
      expect(record.http_request).toEqual({ user_agent: 'kubectl/v1.31.0' });
      expect(record).toMatchObject({ status_id: 1, status: 'Success', status_code: '201' });
    });

    it('lists the pod as the resource and describes the container', () => {
      expect(record.resources).toEqual([{ type: 'pods', name: 'debug-kali', data: { namespace: 'ci' } }]);
      expect(record.container).toEqual({
        name: 'kali',
        image: { name: 'docker.io/kalilinux/kali-rolling:latest', tag: 'latest' },
        orchestrator: 'Kubernetes',
      });
      expect((record.metadata as Record<string, unknown>).profiles).toContain('container');
    });

    it('keeps the security settings OCSF has no attribute for under unmapped', () => {
      expect(record.unmapped).toMatchObject({ Privileged: true, HostPID: true, HostPathMounts: ['/'] });
    });
  });

  describe('container_exec and cloud_api as API Activity', () => {
    it('maps a docker exec without caller address to the reporting host as source', () => {
      const record = toOcsf(
        eventOf('container_exec', { ContainerRuntime: 'docker', ContainerId: '3f2a1b0c9d8e', User: 'root' }, 'linux'),
      );
      expect(record).toMatchObject({ class_uid: 6003, activity_id: 1 });
      expect(record.api).toEqual({ operation: 'exec', service: { name: 'docker' } });
      expect(record.src_endpoint).toEqual({ hostname: 'ws-eng-0031' });
      expect(record.container).toEqual({ uid: '3f2a1b0c9d8e', runtime: 'docker' });
      expect(record.actor).toEqual({ user: { name: 'root' } });
    });

    it('maps CloudTrail calls by their verb, with failures reported as such', () => {
      const register = toOcsf(
        eventOf(
          'cloud_api',
          { ApiService: 'ecs.amazonaws.com', ApiOperation: 'RegisterTaskDefinition', ApiResult: 'AccessDenied' },
          'aws',
        ),
      );
      expect(register).toMatchObject({ activity_id: 1, status_id: 2, status: 'Failure', status_code: 'AccessDenied' });
      const describeCall = toOcsf(eventOf('cloud_api', { ApiOperation: 'DescribeTasks' }, 'aws'));
      expect(describeCall).toMatchObject({ activity_id: 2, activity_name: 'Read', type_uid: 600302 });
      const other = toOcsf(eventOf('cloud_api', { ApiOperation: 'AssumeRole' }, 'aws'));
      expect(other).toMatchObject({ activity_id: 99, activity_name: 'Other' });
    });

    it('gives an AWS control-plane event no OS', () => {
      const record = toOcsf(eventOf('cloud_api', { ApiOperation: 'RunTask' }, 'aws'));
      expect((record.device as Record<string, unknown>).os).toBeUndefined();
    });
  });

  describe('alert as Detection Finding', () => {
    const record = toOcsf(
      eventOf(
        'alert',
        {
          FalcoRule: 'Launch Privileged Container',
          FalcoPriority: 'Notice',
          Message: 'Privileged container started (user=root command=docker run --privileged ...)',
          ContainerId: '3f2a1b0c9d8e',
          ContainerImage: 'alpine@sha256:0f1e2d3c',
          Image: '/usr/bin/docker',
          CommandLine: 'docker run --privileged --pid=host alpine',
        },
        'linux',
      ),
    );

    it('has the Detection Finding classification and the priority as severity', () => {
      expect(record).toMatchObject({
        class_uid: 2004,
        category_uid: 2,
        activity_id: 1,
        type_uid: 200401,
        severity_id: 2,
        severity: 'Low',
        status_id: 1,
        is_alert: true,
      });
    });

    it('keeps the source priority under unmapped', () => {
      expect(record.unmapped).toMatchObject({ FalcoPriority: 'Notice' });
    });

    it('describes the finding by the third-party rule', () => {
      expect(record.finding_info).toEqual({
        uid: '18342',
        title: 'Launch Privileged Container',
        desc: 'Privileged container started (user=root command=docker run --privileged ...)',
        analytic: { name: 'Launch Privileged Container', type_id: 1, type: 'Rule' },
        types: ['mde'],
      });
    });

    it('attaches the process and container as evidence', () => {
      expect(record.evidences).toEqual([
        {
          process: expect.objectContaining({ cmd_line: 'docker run --privileged --pid=host alpine' }),
          container: { uid: '3f2a1b0c9d8e', image: { name: 'alpine@sha256:0f1e2d3c', uid: 'sha256:0f1e2d3c' } },
        },
      ]);
    });

    it.each(['constructor', 'toString', '__proto__'])('treats a priority named %s as unknown text', (priority) => {
      expect(toOcsf(eventOf('alert', { FalcoPriority: priority }))).toMatchObject({
        severity_id: 99,
        severity: priority,
      });
      const service = toOcsf(
        eventOf('service_install', { ServiceName: 'x', ServiceType: priority, StartType: priority }),
      );
      expect(service.win_service).toMatchObject({ service_type_id: 99, service_start_type_id: 99 });
    });

    it('reports an unknown priority as Other (99) and a missing one as Unknown (0)', () => {
      expect(toOcsf(eventOf('alert', { FalcoPriority: 'weird' }))).toMatchObject({
        severity_id: 99,
        severity: 'weird',
      });
      expect(toOcsf(eventOf('alert', { Message: 'x' }))).toMatchObject({ severity_id: 0, severity: 'Unknown' });
    });
  });
});
