/**
 * The normalized fields, named after the Sigma taxonomy wherever Sigma has a name, so Sigma rules run unchanged.
 * Everything is optional: a source fills what it knows and never invents the rest.
 */

/** Process creation (Sigma category process_creation). */
export interface ProcessFields {
  /** Full path of the new process image. */
  Image?: string;
  OriginalFileName?: string;
  CommandLine?: string;
  CurrentDirectory?: string;
  ProcessId?: number;
  ProcessGuid?: string;
  ParentImage?: string;
  ParentCommandLine?: string;
  ParentProcessId?: number;
  ParentProcessGuid?: string;
  /** DOMAIN\user on Windows, user name on Unix. */
  User?: string;
  /** Numeric user id on Unix (auditd uid/auid, eslogger euid). */
  UserId?: string;
  /** auditd audit user id: who logged in, survives sudo. */
  LoginUser?: string;
  LogonId?: string;
  IntegrityLevel?: string;
  Hashes?: string;
  Product?: string;
  Company?: string;
  Description?: string;
  FileVersion?: string;
  /** Signer as the source reports it (EDRs, eslogger signing id). */
  Signer?: string;
  /** Argument vector when the source has one (auditd EXECVE, eslogger, CrowdStrike); CommandLine is the joined form. */
  Args?: readonly string[];
}

/** PowerShell script block logging (Sigma category ps_script). */
export interface ScriptFields {
  ScriptBlockText?: string;
  ScriptBlockId?: string;
  /** Script file path when the block came from a file. */
  Path?: string;
  MessageNumber?: number;
  MessageTotal?: number;
  /** True when not every part of a split script block arrived; ScriptBlockText holds what did. */
  Partial?: boolean;
}

/** Service / driver installation (Sigma: product windows, service system, EventID 7045). */
export interface ServiceFields {
  ServiceName?: string;
  ImagePath?: string;
  ServiceType?: string;
  StartType?: string;
  AccountName?: string;
}

/**
 * Container and pod launches, flat so rules can name them directly. Names follow Kubernetes pod-spec vocabulary.
 */
export interface ContainerFields {
  /** docker | podman | nerdctl | containerd | lxc | kubernetes | ecs | falco-observed ... */
  ContainerRuntime?: string;
  ContainerImage?: string;
  ContainerName?: string;
  ContainerId?: string;
  PodName?: string;
  Namespace?: string;
  Privileged?: boolean;
  HostPID?: boolean;
  HostNetwork?: boolean;
  HostIPC?: boolean;
  /** Host paths mounted into the container ("/", "/var/run/docker.sock", ...). */
  HostPathMounts?: readonly string[];
  /** Linux capabilities added (upper-case, without the CAP_ prefix). */
  CapabilitiesAdded?: readonly string[];
  AllowPrivilegeEscalation?: boolean;
  RunAsUser?: string;
  /** Who asked for it: Kubernetes user, IAM principal, docker client user. */
  Actor?: string;
  /** True for ephemeral (debug) containers. */
  Ephemeral?: boolean;
}

/** Cloud and Kubernetes control-plane calls. */
export interface ApiFields {
  /** CloudTrail eventSource / Kubernetes API group. */
  ApiService?: string;
  /** CloudTrail eventName / Kubernetes verb. */
  ApiOperation?: string;
  /** Kubernetes objectRef.resource (pods), CloudTrail resource type. */
  ApiResource?: string;
  /** Kubernetes objectRef.subresource (exec, ephemeralcontainers). */
  ApiSubresource?: string;
  SourceIp?: string;
  UserAgent?: string;
  /** Result as the source says it (HTTP code, CloudTrail errorCode or "success"). */
  ApiResult?: string;
}

/** Source-specific extras a rule may want (EDR detection names, Falco rule, priority ...). */
export interface SourceFields {
  EventID?: number;
  Channel?: string;
  Provider?: string;
  FalcoRule?: string;
  FalcoPriority?: string;
  /** Free text the source attached (Falco output, EDR description). */
  Message?: string;
}

export type EventFields = ProcessFields & ScriptFields & ServiceFields & ContainerFields & ApiFields & SourceFields;

export type FieldName = keyof EventFields;
export type FieldValue = string | number | boolean | readonly string[];
