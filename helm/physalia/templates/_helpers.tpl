{{/* The operator's Deployment, ServiceAccount, Role and RoleBinding: <release>-physalia-operator. */}}
{{- define "physalia.fullname" -}}
{{- printf "%s-physalia-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Cluster-scoped objects carry the namespace too: one release per namespace. */}}
{{- define "physalia.clusterName" -}}
{{- printf "%s-%s-physalia-operator" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" -}}
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
app.kubernetes.io/part-of: physalia
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "physalia.operatorSelector" -}}
app.kubernetes.io/name: physalia-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The labels the operator gives the node pods of one color (operator Names and ColorResources): (list colony color). */}}
{{- define "physalia.colorSelector" -}}
app.kubernetes.io/name: physalia-node
physalia.io/colony: {{ index . 0 }}
physalia.io/color: {{ index . 1 }}
{{- end -}}
