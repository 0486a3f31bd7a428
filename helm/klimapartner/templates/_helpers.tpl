{{/* Names and labels. */}}
{{- define "klimapartner.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "klimapartner.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "klimapartner.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "klimapartner.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: klimapartner
{{- end }}

{{/* Selector labels of one component: include with (list $ "web"). */}}
{{- define "klimapartner.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "klimapartner.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "klimapartner.componentLabels" -}}
{{- $root := index . 0 -}}
{{ include "klimapartner.labels" $root }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "klimapartner.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "klimapartner.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "klimapartner.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "klimapartner.mediaClaimName" -}}
{{- default (printf "%s-media" (include "klimapartner.fullname" .)) .Values.media.existingClaim }}
{{- end }}

{{- define "klimapartner.developmentSecretName" -}}
{{- printf "%s-development" (include "klimapartner.fullname" .) }}
{{- end }}

{{/* Non-secret settings (the names of saas/env.py): the ConfigMap's data, the migration
Job's env (a pre-install hook runs before the ConfigMap exists) and the pods' checksum. */}}
{{- define "klimapartner.configData" -}}
{{- $domain := required "platformDomain is required (tenants live at <slug>.<platformDomain>)" .Values.platformDomain | lower }}
{{- $hosts := list $domain (printf ".%s" $domain) }}
{{- range .Values.customDomains }}{{ $hosts = append $hosts (lower .) }}{{ end }}
{{- range .Values.extraAllowedHosts }}{{ $hosts = append $hosts . }}{{ end -}}
DJANGO_ENV: production
PLATFORM_DOMAIN: {{ $domain | quote }}
ALLOWED_HOSTS: {{ $hosts | uniq | join "," | quote }}
URL_SCHEME: {{ .Values.config.urlScheme | quote }}
URL_PORT: {{ .Values.config.urlPort | quote }}
{{- with .Values.config.defaultFromAddress }}
DEFAULT_FROM_ADDRESS: {{ . | quote }}
{{- end }}
TENANT_CACHE_SECONDS: {{ .Values.config.tenantCacheSeconds | quote }}
TRUSTED_PROXY_COUNT: {{ .Values.config.trustedProxyCount | quote }}
CELERY_VISIBILITY_TIMEOUT: {{ .Values.config.celeryVisibilityTimeout | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
MEDIA_ROOT: {{ .Values.media.mountPath | quote }}
UPLOAD_SCANNER: {{ .Values.uploadScanner.mode | quote }}
{{- if eq .Values.uploadScanner.mode "clamd" }}
CLAMD_HOST: {{ required "uploadScanner.clamd.host is required with uploadScanner.mode clamd" .Values.uploadScanner.clamd.host | quote }}
CLAMD_PORT: {{ .Values.uploadScanner.clamd.port | quote }}
CLAMD_TIMEOUT: {{ .Values.uploadScanner.clamd.timeoutSeconds | quote }}
{{- end }}
{{- end }}

{{/* The secret variables, each read from its Secret: (list $ "SECRET_KEY" .Values.secretKey). */}}
{{- define "klimapartner.secretRef" -}}
{{- $root := index . 0 }}
{{- $variable := index . 1 }}
{{- $ref := index . 2 }}
{{- $fallback := $root.Values.existingSecret }}
{{- if $root.Values.developmentSecret.create }}
{{- $fallback = default (include "klimapartner.developmentSecretName" $root) $fallback }}
{{- end -}}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s: set existingSecret (or the existingSecret of its section) to the Secret holding it" $variable) (default $fallback $ref.existingSecret) }}
      key: {{ default $variable $ref.key }}
{{- end }}

{{- define "klimapartner.secretEnv" -}}
{{ include "klimapartner.secretRef" (list . "SECRET_KEY" .Values.secretKey) }}
{{ include "klimapartner.secretRef" (list . "DATABASE_URL" .Values.postgresql) }}
{{ include "klimapartner.secretRef" (list . "REDIS_URL" .Values.redis) }}
{{ include "klimapartner.secretRef" (list . "EMAIL_URL" .Values.email) }}
{{- end }}

{{/* env of every container: secrets, then the operator's extras. */}}
{{- define "klimapartner.env" -}}
{{ include "klimapartner.secretEnv" . }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod annotations that roll the pods when the configuration changes. */}}
{{- define "klimapartner.podAnnotations" -}}
checksum/config: {{ include "klimapartner.configData" . | sha256sum }}
checksum/secret-refs: {{ include "klimapartner.secretEnv" . | sha256sum }}
{{- if .Values.developmentSecret.create }}
checksum/development-secret: {{ toYaml .Values.developmentSecret.values | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod-level fields shared by every workload. */}}
{{- define "klimapartner.podCommon" -}}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A component's topology spread: (list $ "web"); the selector is filled in. */}}
{{- define "klimapartner.topologySpread" -}}
{{- $root := index . 0 }}
{{- with $root.Values.topologySpreadConstraints }}
topologySpreadConstraints:
{{- range . }}
  - {{- toYaml (merge (dict "labelSelector" (dict "matchLabels" (include "klimapartner.selectorLabels" (list $root (index $ 1)) | fromYaml))) .) | nindent 4 }}
{{- end }}
{{- end }}
{{- end }}

{{- define "klimapartner.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{/* The migration Job's env: the ConfigMap's settings inline, then the secrets. */}}
{{- define "klimapartner.migrationEnv" -}}
{{- range $name, $value := include "klimapartner.configData" . | fromYaml }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{ include "klimapartner.env" . }}
{{- end }}
