package io.physalia.crds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * crds/policy/ names the resources of this model: the Colony as its parameter, Cells as what it
 * checks. (Its behaviour on a real API server is tested by the e2e module's CrdValidationTest.)
 */
class CellColorPolicyTest {

    @Test
    void policyAndBindingMatchTheModel() throws IOException {
        Path file = CrdFiles.moduleDir().resolve("policy/cell-color-in-colony.yaml");
        Object parsed = new KubernetesSerialization().unmarshal(Files.readString(file));
        assertInstanceOf(List.class, parsed, file + " must hold the policy and its binding");
        List<?> objects = (List<?>) parsed;
        assertEquals(2, objects.size(), file.toString());
        ValidatingAdmissionPolicy policy = assertInstanceOf(ValidatingAdmissionPolicy.class, objects.get(0));
        ValidatingAdmissionPolicyBinding binding = assertInstanceOf(ValidatingAdmissionPolicyBinding.class, objects.get(1));

        assertEquals(HasMetadata.getApiVersion(Colony.class), policy.getSpec().getParamKind().getApiVersion());
        assertEquals(HasMetadata.getKind(Colony.class), policy.getSpec().getParamKind().getKind());
        NamedRuleWithOperations rule = policy.getSpec().getMatchConstraints().getResourceRules().get(0);
        assertEquals(List.of(HasMetadata.getGroup(Cell.class)), rule.getApiGroups());
        assertEquals(List.of(HasMetadata.getVersion(Cell.class)), rule.getApiVersions());
        assertEquals(List.of(HasMetadata.getPlural(Cell.class)), rule.getResources());
        assertEquals(List.of("CREATE", "UPDATE"), rule.getOperations());
        assertEquals("Fail", policy.getSpec().getFailurePolicy());
        assertTrue(policy.getSpec().getValidations().get(0).getExpression().contains("params.spec.colors"));
        assertTrue(policy.getSpec().getValidations().get(0).getMessage().startsWith("spec.color"),
                "the message must name the field");

        assertEquals(policy.getMetadata().getName(), binding.getSpec().getPolicyName());
        assertEquals(List.of("Deny"), binding.getSpec().getValidationActions());
        assertEquals("Allow", binding.getSpec().getParamRef().getParameterNotFoundAction());
    }
}
