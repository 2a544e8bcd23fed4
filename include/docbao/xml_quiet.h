/*
 * xml_quiet.h — libxml2 error handlers that print nothing, for the news modules (feed,
 * extract, sources) that parse what the network or a user hands them: docbao reports bad
 * input in its own one line, never with libxml2's messages on stderr.
 */
#ifndef DOCBAO_XML_QUIET_H
#define DOCBAO_XML_QUIET_H

#include <libxml/xmlerror.h>

/* A generic error handler (xmlSetGenericErrorFunc) that drops the message. */
void xml_quiet(void *ctx, const char *msg, ...);

/* A structured error handler (xmlSetStructuredErrorFunc, an XPath context's error) that
 * drops the error. */
void xml_quiet_structured(void *ctx, xmlErrorPtr err);

#endif
