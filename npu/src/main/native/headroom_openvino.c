/*
 * Headroom's JNI shim over the OpenVINO C API.
 *
 * It does not link against OpenVINO. load() dlopen()s libopenvino_c at run time (RTLD_NOW | RTLD_LOCAL) from a list
 * of candidates that Java composes (HEADROOM_OPENVINO_LIB first, then versioned and plain library names, then the
 * usual install directories) and dlsym()s the functions below; ov_get_last_err_msg is optional (older releases lack
 * it). Every OpenVINO object crosses into Java as an opaque jlong handle that Java frees exactly once.
 *
 * The declarations below restate the parts of the public OpenVINO C API (the openvino/c headers, Apache-2.0) that this
 * shim uses: enums are int-sized, structs are passed exactly as the headers declare them.
 *
 * Errors become dev.headroom.npu.openvino.OpenVinoException(function, status, message), where the message is
 * ov_get_last_err_msg() when the library has it, else ov_get_error_info(status).
 */
#define _GNU_SOURCE
#include <jni.h>
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define JFN(name) Java_dev_headroom_npu_openvino_OvNative_##name

/* ---- the C API types we use (see openvino/c/ov_common.h, ov_core.h, ov_shape.h, ov_partial_shape.h) ---- */
typedef int ov_status_e;              /* OK = 0, errors < 0 */
typedef int ov_element_type_e;        /* F32 = 5, I32 = 10, I64 = 11 */
typedef struct ov_core ov_core_t;
typedef struct ov_model ov_model_t;
typedef struct ov_compiled_model ov_compiled_model_t;
typedef struct ov_infer_request ov_infer_request_t;
typedef struct ov_tensor ov_tensor_t;
typedef struct {
  const char *buildNumber;
  const char *description;
} ov_version_t;
typedef struct {
  char **devices;
  size_t size;
} ov_available_devices_t;
typedef struct {
  int64_t min;
  int64_t max;
} ov_dimension_t;
typedef struct {
  ov_dimension_t rank;
  ov_dimension_t *dims;
} ov_partial_shape_t;
typedef struct {
  int64_t rank;
  int64_t *dims;
} ov_shape_t;

#define OV_F32 5
#define OV_I32 10
#define OV_I64 11
#define MAX_RANK 8
#define MAX_PROPERTY_PAIRS 4

/* ---- the functions we resolve ---- */
typedef ov_status_e (*fn_get_version)(ov_version_t *);
typedef void (*fn_version_free)(ov_version_t *);
typedef ov_status_e (*fn_core_create)(ov_core_t **);
typedef void (*fn_core_free)(ov_core_t *);
typedef ov_status_e (*fn_core_get_available_devices)(const ov_core_t *, ov_available_devices_t *);
typedef void (*fn_available_devices_free)(ov_available_devices_t *);
typedef ov_status_e (*fn_core_get_property)(const ov_core_t *, const char *, const char *, char **);
typedef void (*fn_free)(const char *);
typedef ov_status_e (*fn_core_read_model)(const ov_core_t *, const char *, const char *, ov_model_t **);
typedef void (*fn_model_free)(ov_model_t *);
typedef ov_status_e (*fn_model_reshape)(const ov_model_t *, const char **, const ov_partial_shape_t *, size_t);
typedef ov_status_e (*fn_core_compile_model)(const ov_core_t *, const ov_model_t *, const char *, const size_t,
                                             ov_compiled_model_t **, ...);
typedef ov_status_e (*fn_compiled_model_get_property)(const ov_compiled_model_t *, const char *, char **);
typedef ov_status_e (*fn_compiled_model_create_infer_request)(const ov_compiled_model_t *, ov_infer_request_t **);
typedef void (*fn_compiled_model_free)(ov_compiled_model_t *);
typedef ov_status_e (*fn_infer_request_set_tensor)(ov_infer_request_t *, const char *, const ov_tensor_t *);
typedef ov_status_e (*fn_infer_request_infer)(ov_infer_request_t *);
typedef ov_status_e (*fn_infer_request_get_output_tensor_by_index)(const ov_infer_request_t *, const size_t,
                                                                   ov_tensor_t **);
typedef void (*fn_infer_request_free)(ov_infer_request_t *);
typedef ov_status_e (*fn_tensor_create_from_host_ptr)(const ov_element_type_e, const ov_shape_t, void *,
                                                      ov_tensor_t **);
typedef ov_status_e (*fn_tensor_get_shape)(const ov_tensor_t *, ov_shape_t *);
typedef ov_status_e (*fn_tensor_get_element_type)(const ov_tensor_t *, ov_element_type_e *);
typedef ov_status_e (*fn_tensor_data)(const ov_tensor_t *, void **);
typedef void (*fn_tensor_free)(ov_tensor_t *);
typedef ov_status_e (*fn_shape_free)(ov_shape_t *);
typedef const char *(*fn_get_error_info)(ov_status_e);
typedef const char *(*fn_get_last_err_msg)(void);

static struct {
  void *handle;
  char path[4096];
  fn_get_version get_version;
  fn_version_free version_free;
  fn_core_create core_create;
  fn_core_free core_free;
  fn_core_get_available_devices core_get_available_devices;
  fn_available_devices_free available_devices_free;
  fn_core_get_property core_get_property;
  fn_free free_string;
  fn_core_read_model core_read_model;
  fn_model_free model_free;
  fn_model_reshape model_reshape;
  fn_core_compile_model core_compile_model;
  fn_compiled_model_get_property compiled_model_get_property;
  fn_compiled_model_create_infer_request compiled_model_create_infer_request;
  fn_compiled_model_free compiled_model_free;
  fn_infer_request_set_tensor infer_request_set_tensor;
  fn_infer_request_infer infer_request_infer;
  fn_infer_request_get_output_tensor_by_index infer_request_get_output_tensor_by_index;
  fn_infer_request_free infer_request_free;
  fn_tensor_create_from_host_ptr tensor_create_from_host_ptr;
  fn_tensor_get_shape tensor_get_shape;
  fn_tensor_get_element_type tensor_get_element_type;
  fn_tensor_data tensor_data;
  fn_tensor_free tensor_free;
  fn_shape_free shape_free;
  fn_get_error_info get_error_info;
  fn_get_last_err_msg get_last_err_msg; /* optional */
} ov;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---------------------------------------------------------------- exceptions */

static void throw_ov(JNIEnv *env, const char *function, int status, const char *message) {
  jclass cls = (*env)->FindClass(env, "dev/headroom/npu/openvino/OpenVinoException");
  if (cls == NULL) {
    return; /* NoClassDefFoundError pending */
  }
  jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;ILjava/lang/String;)V");
  if (ctor == NULL) {
    return;
  }
  jstring jfunction = (*env)->NewStringUTF(env, function);
  jstring jmessage = (*env)->NewStringUTF(env, message == NULL ? "" : message);
  if (jfunction == NULL || jmessage == NULL) {
    return;
  }
  jobject error = (*env)->NewObject(env, cls, ctor, jfunction, (jint)status, jmessage);
  if (error != NULL) {
    (*env)->Throw(env, (jthrowable)error);
  }
}

/* Throws for a failed call, with the library's own explanation. */
static void throw_status(JNIEnv *env, const char *function, ov_status_e status) {
  char message[1024];
  const char *info = ov.get_error_info != NULL ? ov.get_error_info(status) : NULL;
  const char *last = ov.get_last_err_msg != NULL ? ov.get_last_err_msg() : NULL;
  if (last != NULL && last[0] != '\0') {
    snprintf(message, sizeof message, "%s: %s", info != NULL ? info : "error", last);
  } else {
    snprintf(message, sizeof message, "%s", info != NULL ? info : "error");
  }
  if (last != NULL) {
    ov.free_string(last); /* ov_get_last_err_msg hands over a copy */
  }
  throw_ov(env, function, status, message);
}

static bool require_loaded(JNIEnv *env, const char *function) {
  if (ov.handle == NULL) {
    throw_ov(env, function, -1000, "the OpenVINO C library is not loaded");
    return false;
  }
  return true;
}

static bool require_handle(JNIEnv *env, const char *function, jlong handle) {
  if (handle == 0) {
    throw_ov(env, function, -14, "null handle");
    return false;
  }
  return require_loaded(env, function);
}

/* ---------------------------------------------------------------- loading */

#define RESOLVE(field, symbol)                                                                                  \
  do {                                                                                                          \
    *(void **)(&ov.field) = dlsym(handle, symbol);                                                              \
    if (ov.field == NULL) {                                                                                     \
      snprintf(error, error_size, "%s: missing symbol %s", candidate, symbol);                                  \
      return false;                                                                                             \
    }                                                                                                           \
  } while (0)

static bool resolve_all(void *handle, const char *candidate, char *error, size_t error_size) {
  RESOLVE(get_version, "ov_get_openvino_version");
  RESOLVE(version_free, "ov_version_free");
  RESOLVE(core_create, "ov_core_create");
  RESOLVE(core_free, "ov_core_free");
  RESOLVE(core_get_available_devices, "ov_core_get_available_devices");
  RESOLVE(available_devices_free, "ov_available_devices_free");
  RESOLVE(core_get_property, "ov_core_get_property");
  RESOLVE(free_string, "ov_free");
  RESOLVE(core_read_model, "ov_core_read_model");
  RESOLVE(model_free, "ov_model_free");
  RESOLVE(model_reshape, "ov_model_reshape");
  RESOLVE(core_compile_model, "ov_core_compile_model");
  RESOLVE(compiled_model_get_property, "ov_compiled_model_get_property");
  RESOLVE(compiled_model_create_infer_request, "ov_compiled_model_create_infer_request");
  RESOLVE(compiled_model_free, "ov_compiled_model_free");
  RESOLVE(infer_request_set_tensor, "ov_infer_request_set_tensor");
  RESOLVE(infer_request_infer, "ov_infer_request_infer");
  RESOLVE(infer_request_get_output_tensor_by_index, "ov_infer_request_get_output_tensor_by_index");
  RESOLVE(infer_request_free, "ov_infer_request_free");
  RESOLVE(tensor_create_from_host_ptr, "ov_tensor_create_from_host_ptr");
  RESOLVE(tensor_get_shape, "ov_tensor_get_shape");
  RESOLVE(tensor_get_element_type, "ov_tensor_get_element_type");
  RESOLVE(tensor_data, "ov_tensor_data");
  RESOLVE(tensor_free, "ov_tensor_free");
  RESOLVE(shape_free, "ov_shape_free");
  RESOLVE(get_error_info, "ov_get_error_info");
  *(void **)(&ov.get_last_err_msg) = dlsym(handle, "ov_get_last_err_msg"); /* optional */
  return true;
}

/*
 * Tries each candidate in order. Returns NULL when one loaded (then loadedPath() says which), else one line per
 * candidate with dlerror()'s text.
 */
EXPORT JNIEXPORT jstring JNICALL JFN(load)(JNIEnv *env, jclass cls, jobjectArray candidates) {
  (void)cls;
  pthread_mutex_lock(&load_lock);
  if (ov.handle != NULL) {
    pthread_mutex_unlock(&load_lock);
    return NULL;
  }
  size_t report_size = 16384;
  char *report = calloc(report_size, 1);
  if (report == NULL) {
    pthread_mutex_unlock(&load_lock);
    return (*env)->NewStringUTF(env, "out of memory");
  }
  jsize count = (*env)->GetArrayLength(env, candidates);
  for (jsize i = 0; i < count; i++) {
    jstring jcandidate = (jstring)(*env)->GetObjectArrayElement(env, candidates, i);
    const char *candidate = (*env)->GetStringUTFChars(env, jcandidate, NULL);
    char error[1024] = {0};
    dlerror();
    void *handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
      const char *why = dlerror();
      snprintf(error, sizeof error, "%s", why != NULL ? why : "dlopen failed");
    } else if (!resolve_all(handle, candidate, error, sizeof error)) {
      memset(&ov, 0, sizeof ov);
      dlclose(handle);
    } else {
      ov.handle = handle;
      struct link_map *map = NULL;
      if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != NULL && map->l_name != NULL && map->l_name[0]) {
        snprintf(ov.path, sizeof ov.path, "%s", map->l_name);
      } else {
        snprintf(ov.path, sizeof ov.path, "%s", candidate);
      }
    }
    size_t used = strlen(report);
    if (ov.handle == NULL && used + 2 < report_size) {
      snprintf(report + used, report_size - used, "%s%s", used > 0 ? "\n" : "", error);
    }
    (*env)->ReleaseStringUTFChars(env, jcandidate, candidate);
    (*env)->DeleteLocalRef(env, jcandidate);
    if (ov.handle != NULL) {
      break;
    }
  }
  jstring result = ov.handle != NULL ? NULL : (*env)->NewStringUTF(env, report);
  free(report);
  pthread_mutex_unlock(&load_lock);
  return result;
}

EXPORT JNIEXPORT jstring JNICALL JFN(loadedPath)(JNIEnv *env, jclass cls) {
  (void)cls;
  return ov.handle == NULL ? NULL : (*env)->NewStringUTF(env, ov.path);
}

EXPORT JNIEXPORT jboolean JNICALL JFN(hasLastErrorMessage)(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return ov.get_last_err_msg != NULL ? JNI_TRUE : JNI_FALSE;
}

EXPORT JNIEXPORT jstring JNICALL JFN(version)(JNIEnv *env, jclass cls) {
  (void)cls;
  if (!require_loaded(env, "ov_get_openvino_version")) {
    return NULL;
  }
  ov_version_t version = {0};
  ov_status_e status = ov.get_version(&version);
  if (status != 0) {
    throw_status(env, "ov_get_openvino_version", status);
    return NULL;
  }
  jstring result = (*env)->NewStringUTF(env, version.buildNumber != NULL ? version.buildNumber : "");
  ov.version_free(&version);
  return result;
}

/* ---------------------------------------------------------------- core */

EXPORT JNIEXPORT jlong JNICALL JFN(coreCreate)(JNIEnv *env, jclass cls) {
  (void)cls;
  if (!require_loaded(env, "ov_core_create")) {
    return 0;
  }
  ov_core_t *core = NULL;
  ov_status_e status = ov.core_create(&core);
  if (status != 0) {
    throw_status(env, "ov_core_create", status);
    return 0;
  }
  return (jlong)(intptr_t)core;
}

EXPORT JNIEXPORT void JNICALL JFN(coreFree)(JNIEnv *env, jclass cls, jlong core) {
  (void)cls;
  if (require_handle(env, "ov_core_free", core)) {
    ov.core_free((ov_core_t *)(intptr_t)core);
  }
}

EXPORT JNIEXPORT jobjectArray JNICALL JFN(availableDevices)(JNIEnv *env, jclass cls, jlong core) {
  (void)cls;
  if (!require_handle(env, "ov_core_get_available_devices", core)) {
    return NULL;
  }
  ov_available_devices_t devices = {0};
  ov_status_e status = ov.core_get_available_devices((ov_core_t *)(intptr_t)core, &devices);
  if (status != 0) {
    throw_status(env, "ov_core_get_available_devices", status);
    return NULL;
  }
  jclass string_class = (*env)->FindClass(env, "java/lang/String");
  jobjectArray result = string_class == NULL ? NULL
      : (*env)->NewObjectArray(env, (jsize)devices.size, string_class, NULL);
  for (size_t i = 0; result != NULL && i < devices.size; i++) {
    jstring name = (*env)->NewStringUTF(env, devices.devices[i] != NULL ? devices.devices[i] : "");
    if (name == NULL) {
      result = NULL;
      break;
    }
    (*env)->SetObjectArrayElement(env, result, (jsize)i, name);
    (*env)->DeleteLocalRef(env, name);
  }
  ov.available_devices_free(&devices);
  return result;
}

EXPORT JNIEXPORT jstring JNICALL JFN(coreProperty)(JNIEnv *env, jclass cls, jlong core, jstring device,
                                                   jstring key) {
  (void)cls;
  if (!require_handle(env, "ov_core_get_property", core)) {
    return NULL;
  }
  const char *cdevice = (*env)->GetStringUTFChars(env, device, NULL);
  const char *ckey = (*env)->GetStringUTFChars(env, key, NULL);
  char *value = NULL;
  ov_status_e status = ov.core_get_property((ov_core_t *)(intptr_t)core, cdevice, ckey, &value);
  (*env)->ReleaseStringUTFChars(env, device, cdevice);
  (*env)->ReleaseStringUTFChars(env, key, ckey);
  if (status != 0) {
    throw_status(env, "ov_core_get_property", status);
    return NULL;
  }
  jstring result = (*env)->NewStringUTF(env, value != NULL ? value : "");
  if (value != NULL) {
    ov.free_string(value);
  }
  return result;
}

/* ---------------------------------------------------------------- model */

EXPORT JNIEXPORT jlong JNICALL JFN(readModel)(JNIEnv *env, jclass cls, jlong core, jstring path) {
  (void)cls;
  if (!require_handle(env, "ov_core_read_model", core)) {
    return 0;
  }
  const char *cpath = (*env)->GetStringUTFChars(env, path, NULL);
  ov_model_t *model = NULL;
  ov_status_e status = ov.core_read_model((ov_core_t *)(intptr_t)core, cpath, NULL, &model);
  (*env)->ReleaseStringUTFChars(env, path, cpath);
  if (status != 0) {
    throw_status(env, "ov_core_read_model", status);
    return 0;
  }
  return (jlong)(intptr_t)model;
}

EXPORT JNIEXPORT void JNICALL JFN(modelFree)(JNIEnv *env, jclass cls, jlong model) {
  (void)cls;
  if (require_handle(env, "ov_model_free", model)) {
    ov.model_free((ov_model_t *)(intptr_t)model);
  }
}

/* Reshapes the named inputs to one static shape each: dims holds names.length * rank values. */
EXPORT JNIEXPORT void JNICALL JFN(reshape)(JNIEnv *env, jclass cls, jlong model, jobjectArray names,
                                           jlongArray dims, jint rank) {
  (void)cls;
  if (!require_handle(env, "ov_model_reshape", model)) {
    return;
  }
  jsize count = (*env)->GetArrayLength(env, names);
  if (rank < 1 || rank > MAX_RANK || count < 1 || (*env)->GetArrayLength(env, dims) != count * rank) {
    throw_ov(env, "ov_model_reshape", -14, "dims must hold names.length * rank values, rank in [1, 8]");
    return;
  }
  const char **cnames = calloc((size_t)count, sizeof(char *));
  jstring *jnames = calloc((size_t)count, sizeof(jstring));
  ov_partial_shape_t *shapes = calloc((size_t)count, sizeof(ov_partial_shape_t));
  ov_dimension_t *all_dims = calloc((size_t)(count * rank), sizeof(ov_dimension_t));
  jlong *values = (*env)->GetLongArrayElements(env, dims, NULL);
  if (cnames == NULL || jnames == NULL || shapes == NULL || all_dims == NULL || values == NULL) {
    throw_ov(env, "ov_model_reshape", -10, "out of memory");
  } else {
    for (jsize i = 0; i < count; i++) {
      jnames[i] = (jstring)(*env)->GetObjectArrayElement(env, names, i);
      cnames[i] = (*env)->GetStringUTFChars(env, jnames[i], NULL);
      shapes[i].rank.min = rank;
      shapes[i].rank.max = rank;
      shapes[i].dims = all_dims + (size_t)i * (size_t)rank;
      for (jint d = 0; d < rank; d++) {
        shapes[i].dims[d].min = values[i * rank + d];
        shapes[i].dims[d].max = values[i * rank + d];
      }
    }
    ov_status_e status = ov.model_reshape((ov_model_t *)(intptr_t)model, cnames, shapes, (size_t)count);
    for (jsize i = 0; i < count; i++) {
      (*env)->ReleaseStringUTFChars(env, jnames[i], cnames[i]);
      (*env)->DeleteLocalRef(env, jnames[i]);
    }
    if (status != 0) {
      throw_status(env, "ov_model_reshape", status);
    }
  }
  if (values != NULL) {
    (*env)->ReleaseLongArrayElements(env, dims, values, JNI_ABORT);
  }
  free(all_dims);
  free(shapes);
  free(jnames);
  free(cnames);
}

/* ---------------------------------------------------------------- compiled model */

/* Compiles for a device string (NPU, GPU.0, CPU, AUTO:NPU,GPU,CPU) with up to 4 key/value property pairs. */
EXPORT JNIEXPORT jlong JNICALL JFN(compile)(JNIEnv *env, jclass cls, jlong core, jlong model, jstring device,
                                            jobjectArray properties) {
  (void)cls;
  if (!require_handle(env, "ov_core_compile_model", core) || !require_handle(env, "ov_core_compile_model", model)) {
    return 0;
  }
  jsize count = (*env)->GetArrayLength(env, properties);
  if (count % 2 != 0 || count / 2 > MAX_PROPERTY_PAIRS) {
    throw_ov(env, "ov_core_compile_model", -14, "properties must be at most 4 key/value pairs");
    return 0;
  }
  jstring jvalues[2 * MAX_PROPERTY_PAIRS] = {0};
  const char *p[2 * MAX_PROPERTY_PAIRS] = {0};
  for (jsize i = 0; i < count; i++) {
    jvalues[i] = (jstring)(*env)->GetObjectArrayElement(env, properties, i);
    p[i] = (*env)->GetStringUTFChars(env, jvalues[i], NULL);
  }
  const char *cdevice = (*env)->GetStringUTFChars(env, device, NULL);
  const ov_core_t *c = (const ov_core_t *)(intptr_t)core;
  const ov_model_t *m = (const ov_model_t *)(intptr_t)model;
  ov_compiled_model_t *compiled = NULL;
  ov_status_e status;
  /* the C API is variadic: property_args_size counts the key and value arguments that follow */
  switch (count / 2) {
    case 0: status = ov.core_compile_model(c, m, cdevice, 0, &compiled); break;
    case 1: status = ov.core_compile_model(c, m, cdevice, 2, &compiled, p[0], p[1]); break;
    case 2: status = ov.core_compile_model(c, m, cdevice, 4, &compiled, p[0], p[1], p[2], p[3]); break;
    case 3: status = ov.core_compile_model(c, m, cdevice, 6, &compiled, p[0], p[1], p[2], p[3], p[4], p[5]); break;
    default:
      status = ov.core_compile_model(c, m, cdevice, 8, &compiled, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
      break;
  }
  (*env)->ReleaseStringUTFChars(env, device, cdevice);
  for (jsize i = 0; i < count; i++) {
    (*env)->ReleaseStringUTFChars(env, jvalues[i], p[i]);
    (*env)->DeleteLocalRef(env, jvalues[i]);
  }
  if (status != 0) {
    throw_status(env, "ov_core_compile_model", status);
    return 0;
  }
  return (jlong)(intptr_t)compiled;
}

EXPORT JNIEXPORT jstring JNICALL JFN(compiledProperty)(JNIEnv *env, jclass cls, jlong compiled, jstring key) {
  (void)cls;
  if (!require_handle(env, "ov_compiled_model_get_property", compiled)) {
    return NULL;
  }
  const char *ckey = (*env)->GetStringUTFChars(env, key, NULL);
  char *value = NULL;
  ov_status_e status = ov.compiled_model_get_property((ov_compiled_model_t *)(intptr_t)compiled, ckey, &value);
  (*env)->ReleaseStringUTFChars(env, key, ckey);
  if (status != 0) {
    throw_status(env, "ov_compiled_model_get_property", status);
    return NULL;
  }
  jstring result = (*env)->NewStringUTF(env, value != NULL ? value : "");
  if (value != NULL) {
    ov.free_string(value);
  }
  return result;
}

EXPORT JNIEXPORT void JNICALL JFN(compiledFree)(JNIEnv *env, jclass cls, jlong compiled) {
  (void)cls;
  if (require_handle(env, "ov_compiled_model_free", compiled)) {
    ov.compiled_model_free((ov_compiled_model_t *)(intptr_t)compiled);
  }
}

/* ---------------------------------------------------------------- infer request */

EXPORT JNIEXPORT jlong JNICALL JFN(createInferRequest)(JNIEnv *env, jclass cls, jlong compiled) {
  (void)cls;
  if (!require_handle(env, "ov_compiled_model_create_infer_request", compiled)) {
    return 0;
  }
  ov_infer_request_t *request = NULL;
  ov_status_e status = ov.compiled_model_create_infer_request((ov_compiled_model_t *)(intptr_t)compiled, &request);
  if (status != 0) {
    throw_status(env, "ov_compiled_model_create_infer_request", status);
    return 0;
  }
  return (jlong)(intptr_t)request;
}

EXPORT JNIEXPORT void JNICALL JFN(inferRequestFree)(JNIEnv *env, jclass cls, jlong request) {
  (void)cls;
  if (require_handle(env, "ov_infer_request_free", request)) {
    ov.infer_request_free((ov_infer_request_t *)(intptr_t)request);
  }
}

static size_t element_size(jint type) {
  switch (type) {
    case OV_F32: return 4;
    case OV_I32: return 4;
    case OV_I64: return 8;
    default: return 0;
  }
}

/*
 * Wraps a direct buffer as a tensor (no copy) and sets it as the named input. The buffer must stay alive and
 * unchanged until infer() returns; Java keeps one buffer per input per infer request for that.
 */
EXPORT JNIEXPORT void JNICALL JFN(setTensor)(JNIEnv *env, jclass cls, jlong request, jstring name, jint type,
                                             jlongArray shape, jobject buffer) {
  (void)cls;
  if (!require_handle(env, "ov_infer_request_set_tensor", request)) {
    return;
  }
  size_t width = element_size(type);
  if (width == 0) {
    throw_ov(env, "ov_tensor_create_from_host_ptr", -14, "only F32, I32 and I64 tensors are supported");
    return;
  }
  jsize rank = (*env)->GetArrayLength(env, shape);
  if (rank < 1 || rank > MAX_RANK) {
    throw_ov(env, "ov_tensor_create_from_host_ptr", -14, "rank must be in [1, 8]");
    return;
  }
  int64_t dims[MAX_RANK];
  jlong values[MAX_RANK];
  (*env)->GetLongArrayRegion(env, shape, 0, rank, values);
  size_t elements = 1;
  for (jsize i = 0; i < rank; i++) {
    if (values[i] < 1) {
      throw_ov(env, "ov_tensor_create_from_host_ptr", -14, "every dimension must be >= 1");
      return;
    }
    dims[i] = values[i];
    elements *= (size_t)values[i];
  }
  void *data = (*env)->GetDirectBufferAddress(env, buffer);
  jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
  if (data == NULL || capacity < 0 || (size_t)capacity < elements * width) {
    throw_ov(env, "ov_tensor_create_from_host_ptr", -14, "the buffer is not direct or is smaller than the shape");
    return;
  }
  ov_shape_t ov_shape = {rank, dims};
  ov_tensor_t *tensor = NULL;
  ov_status_e status = ov.tensor_create_from_host_ptr(type, ov_shape, data, &tensor);
  if (status != 0) {
    throw_status(env, "ov_tensor_create_from_host_ptr", status);
    return;
  }
  const char *cname = (*env)->GetStringUTFChars(env, name, NULL);
  status = ov.infer_request_set_tensor((ov_infer_request_t *)(intptr_t)request, cname, tensor);
  (*env)->ReleaseStringUTFChars(env, name, cname);
  ov.tensor_free(tensor); /* the request keeps its own reference */
  if (status != 0) {
    throw_status(env, "ov_infer_request_set_tensor", status);
  }
}

EXPORT JNIEXPORT void JNICALL JFN(infer)(JNIEnv *env, jclass cls, jlong request) {
  (void)cls;
  if (!require_handle(env, "ov_infer_request_infer", request)) {
    return;
  }
  ov_status_e status = ov.infer_request_infer((ov_infer_request_t *)(intptr_t)request);
  if (status != 0) {
    throw_status(env, "ov_infer_request_infer", status);
  }
}

/*
 * Copies output tensor `index` (F32) into a new float[]. shape_out receives the rank in [0] and the dimensions
 * after it, so it must hold at least 9 values.
 */
EXPORT JNIEXPORT jfloatArray JNICALL JFN(output)(JNIEnv *env, jclass cls, jlong request, jint index,
                                                 jlongArray shape_out) {
  (void)cls;
  if (!require_handle(env, "ov_infer_request_get_output_tensor_by_index", request)) {
    return NULL;
  }
  if ((*env)->GetArrayLength(env, shape_out) < MAX_RANK + 1 || index < 0) {
    throw_ov(env, "ov_infer_request_get_output_tensor_by_index", -14, "shape_out must hold 9 values");
    return NULL;
  }
  ov_tensor_t *tensor = NULL;
  ov_status_e status = ov.infer_request_get_output_tensor_by_index((ov_infer_request_t *)(intptr_t)request,
                                                                   (size_t)index, &tensor);
  if (status != 0) {
    throw_status(env, "ov_infer_request_get_output_tensor_by_index", status);
    return NULL;
  }
  jfloatArray result = NULL;
  ov_element_type_e type = 0;
  ov_shape_t shape = {0, NULL};
  void *data = NULL;
  if ((status = ov.tensor_get_element_type(tensor, &type)) != 0) {
    throw_status(env, "ov_tensor_get_element_type", status);
  } else if (type != OV_F32) {
    char message[128];
    snprintf(message, sizeof message, "output %d has element type %d; only F32 outputs are read", index, type);
    throw_ov(env, "ov_tensor_get_element_type", -4, message);
  } else if ((status = ov.tensor_get_shape(tensor, &shape)) != 0) {
    throw_status(env, "ov_tensor_get_shape", status);
  } else if ((status = ov.tensor_data(tensor, &data)) != 0) {
    throw_status(env, "ov_tensor_data", status);
  } else if (shape.rank < 1 || shape.rank > MAX_RANK) {
    throw_ov(env, "ov_tensor_get_shape", -6, "output rank out of range");
  } else {
    jlong out[MAX_RANK + 1];
    size_t elements = 1;
    out[0] = shape.rank;
    for (int64_t i = 0; i < shape.rank; i++) {
      out[i + 1] = shape.dims[i];
      elements *= (size_t)shape.dims[i];
    }
    if (elements > (size_t)INT32_MAX) {
      throw_ov(env, "ov_tensor_data", -6, "output too large for a Java array");
    } else {
      (*env)->SetLongArrayRegion(env, shape_out, 0, (jsize)(shape.rank + 1), out);
      result = (*env)->NewFloatArray(env, (jsize)elements);
      if (result != NULL) {
        (*env)->SetFloatArrayRegion(env, result, 0, (jsize)elements, (const jfloat *)data);
      }
    }
  }
  if (shape.dims != NULL) {
    ov.shape_free(&shape);
  }
  ov.tensor_free(tensor);
  return result;
}
