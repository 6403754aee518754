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

/** Network connections (Sigma network_connection; Sysmon 3). SourceIp lives in ApiFields and means the same. */
export interface NetworkFields {
  /** 'true' when this host opened the connection, 'false' when it accepted it (Sysmon spells it as text). */
  Initiated?: string;
  /** tcp | udp, lower case as Sysmon writes it. */
  Protocol?: string;
  SourcePort?: number;
  SourceHostname?: string;
  DestinationIp?: string;
  DestinationPort?: number;
  DestinationHostname?: string;
  /** 'true' / 'false'. */
  DestinationIsIpv6?: string;
}

/** DNS lookups (Sigma dns_query; Sysmon 22). */
export interface DnsFields {
  QueryName?: string;
  /** Status code as text ("0" = success). */
  QueryStatus?: string;
  /** Answers as Sysmon joins them ("type:  5 a.example;::ffff:10.0.0.1;"). */
  QueryResults?: string;
}

/** Driver and image loads (Sigma driver_load, image_load; Sysmon 6 and 7; auditd module loads). */
export interface LoadFields {
  /** The driver, DLL, shared object or kernel module loaded. */
  ImageLoaded?: string;
  /** 'true' / 'false'. */
  Signed?: string;
  /** Signer name. */
  Signature?: string;
  /** Valid, Expired, Revoked, ... */
  SignatureStatus?: string;
}

/** File events (Sigma file_event, file_change, file_delete, file_rename, file_access, create_stream_hash). */
export interface FileFields {
  /** The file acted on; for a rename (Sigma file_rename) the new path, as Sigma's taxonomy has it. */
  TargetFilename?: string;
  /** The path a renamed file had before (Sigma file_rename's SourceFilename). */
  SourceFilename?: string;
  /** The name a rename gave the file (source's new path). */
  TargetFilenameNew?: string;
  CreationUtcTime?: string;
  PreviousCreationUtcTime?: string;
  /** 'true' / 'false' (Sysmon 23/26). */
  IsExecutable?: string;
  /** Stream content or hash (Sysmon 15). */
  Contents?: string;
  /** How the file was opened or changed as the source says it: syscall, access mask, EDR action. */
  FileOperation?: string;
  /** auditd watch key (`-k`): the name the operator gave the watch. */
  AuditKey?: string;
}

/** Registry changes (Sigma registry_add/_set/_delete/_rename/_event; Sysmon 12-14). */
export interface RegistryFields {
  /** The key or value path, in Sysmon's spelling (HKLM\SYSTEM\..., HKU\<sid>\...). */
  TargetObject?: string;
  /** The value written (Sysmon 13). */
  Details?: string;
  /** CreateKey, DeleteKey, SetValue, DeleteValue, RenameKey, ... */
  EventType?: string;
  /** New name of a renamed key (Sysmon 14). */
  NewName?: string;
}

/** One process acting on another (Sigma process_access, create_remote_thread; Sysmon 8, 10). */
export interface AccessFields {
  SourceImage?: string;
  SourceProcessId?: number;
  SourceProcessGuid?: string;
  TargetImage?: string;
  TargetProcessId?: number;
  TargetProcessGuid?: string;
  /** Access mask as Sysmon writes it ("0x1fffff"). */
  GrantedAccess?: string;
  CallTrace?: string;
  StartAddress?: string;
  StartModule?: string;
  StartFunction?: string;
}

/** Named pipes (Sigma pipe_created; Sysmon 17/18). */
export interface PipeFields {
  PipeName?: string;
}

/** PowerShell module logging (Sigma ps_module; 4103) and classic engine events (400/600/800). */
export interface PowerShellFields {
  /** 4103's pipeline details: one "CommandInvocation(Name): ..." line per command, names resolved. */
  Payload?: string;
  /** 4103's ContextInfo: host application, command name, script name, user. */
  ContextInfo?: string;
  /** Classic events' HostApplication / engine data. */
  Data?: string;
}

export type EventFields = ProcessFields &
  ScriptFields &
  ServiceFields &
  ContainerFields &
  ApiFields &
  SourceFields &
  NetworkFields &
  DnsFields &
  LoadFields &
  FileFields &
  RegistryFields &
  AccessFields &
  PipeFields &
  PowerShellFields;

export type FieldName = keyof EventFields;
export type FieldValue = string | number | boolean | readonly string[];
