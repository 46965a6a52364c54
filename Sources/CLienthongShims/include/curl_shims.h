#ifndef CLIENTHONG_CURL_SHIMS_H
#define CLIENTHONG_CURL_SHIMS_H
// Typed wrappers around libcurl's variadic setopt/getinfo.
#include <curl/curl.h>

/// A write or header callback.
typedef size_t (*lt_curl_data_callback)(char *data, size_t size, size_t count, void *context);

CURLcode lt_curl_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode lt_curl_easy_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode lt_curl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode lt_curl_easy_setopt_offset(CURL *easy, CURLoption option, curl_off_t value);
CURLcode lt_curl_easy_setopt_callback(CURL *easy, CURLoption option, lt_curl_data_callback callback);
/// A CURLOPT_PREREQFUNCTION callback: runs once the connection is made or reused, before the request is sent.
typedef int (*lt_curl_prereq_callback)(void *context, char *primary_ip, char *local_ip, int primary_port,
                                       int local_port);
CURLcode lt_curl_easy_setopt_prereq(CURL *easy, lt_curl_prereq_callback callback);
/// The SHA-256 of the DER of the peer certificate on the transfer's connection (OpenSSL backend): 0, or -1 when the
/// connection has no TLS session or no peer certificate.
int lt_curl_peer_certificate_sha256(CURL *easy, unsigned char digest[32]);
CURLcode lt_curl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode lt_curl_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value);
CURLMcode lt_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLMcode lt_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value);
/// Sets the callback libcurl calls to watch, re-watch or forget a socket (CURLMOPT_SOCKETFUNCTION).
CURLMcode lt_curl_multi_setopt_socket_function(CURLM *multi, curl_socket_callback callback);
/// Sets the callback libcurl calls to arm or disarm its one timer (CURLMOPT_TIMERFUNCTION).
CURLMcode lt_curl_multi_setopt_timer_function(CURLM *multi, curl_multi_timer_callback callback);
/// The result code of a finished transfer message.
CURLcode lt_curl_msg_result(const CURLMsg *message);
#endif
