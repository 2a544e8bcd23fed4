/*
 * xml_quiet.c — libxml2 error handlers that print nothing (see xml_quiet.h).
 */
#include "docbao/xml_quiet.h"

void xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void xml_quiet_structured(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}
