// Imported first by the scripts: the SDK's Node-version notice is for Lambda operators, not for someone running a
// smoke test. It must be set before any @aws-sdk module loads (@aws-sdk/core reads this variable).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
