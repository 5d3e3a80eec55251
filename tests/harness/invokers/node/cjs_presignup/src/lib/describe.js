// A module of the function's own, beside the handler's folder.
exports.describeEvent = (event) =>
  `${event.triggerSource} for ${event.userName} (validationData keys: ${Object.keys(
    event.request.validationData || {},
  ).join(",")})`;
