// The AWS SDK prints a Node-version notice once per process; it is noise in test output.
process.env['AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING'] ??= '1';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
