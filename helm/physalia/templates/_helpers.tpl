{{- define "physalia.fullname" -}}
{{- printf "%s-physalia-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "physalia.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "physalia.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "physalia.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "physalia.operatorSelector" -}}
app.kubernetes.io/name: physalia-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
