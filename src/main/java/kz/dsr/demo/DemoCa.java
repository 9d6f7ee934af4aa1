package kz.dsr.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made on the spot, for the demo and the tests: it issues the certificates the
 * local OpenDSR processor signs with, as a real CA issues a processor's. The pipeline trusts it only
 * through the PEM file {@link #writeTrustStore} writes ({@code dsr.processors.trust-store}); its key
 * lives in memory and dies with the run. Not part of the product, which only verifies.
 */
public final class DemoCa {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A processor's signing key and the certificate chain it publishes (its certificate first). */
    public record Identity(String domain, PrivateKey key, List<X509Certificate> chain) {

        /** The Base64 OpenDSR signature (SHA-256 with RSA or ECDSA) of {@code body}. */
        public String sign(byte[] body) {
            try {
                Signature s = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
                s.initSign(key);
                s.update(body);
                return Base64.getEncoder().encodeToString(s.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign with the demo key", e);
            }
        }

        /** The chain as the processor_certificate document: PEM blocks, its certificate first. */
        public byte[] pem() {
            return DemoCa.pem(chain).getBytes(StandardCharsets.US_ASCII);
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private DemoCa(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new CA named {@code name} (its CN), valid from an hour ago for a year. */
    public static DemoCa create(String name) {
        KeyPair keys = keys("EC");
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name + ",O=dsr-pipeline demo");
        X509Certificate ca = build(subject, subject, keys.getPublic(), keys.getPrivate(), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(365)), true, null, null);
        return new DemoCa(name, keys, ca);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the CA's certificate as a PEM file: the trust store the pipeline is given. */
    public Path writeTrustStore(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, pem(List.of(certificate)), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate for {@code domain}, valid from an hour ago for 30 days; key {@code RSA} or {@code EC}. */
    public Identity issue(String domain, String keyAlgorithm) {
        Instant now = Instant.now();
        return issue(domain, keyAlgorithm, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
    }

    /** A certificate for {@code domain} with these dates (an expired one, a future one). */
    public Identity issue(String domain, String keyAlgorithm, Instant notBefore, Instant notAfter) {
        KeyPair pair = keys(keyAlgorithm);
        X509Certificate leaf = build(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + domain + ",O=" + domain),
                pair.getPublic(), keys.getPrivate(), notBefore, notAfter, false, domain, certificate);
        return new Identity(domain, pair.getPrivate(), List.of(leaf, certificate));
    }

    /** A certificate for {@code domain} signed by its own key: what the specification forbids (§4.1). */
    public static Identity selfSigned(String domain, String keyAlgorithm) {
        KeyPair pair = keys(keyAlgorithm);
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + domain + ",O=" + domain);
        X509Certificate cert = build(subject, subject, pair.getPublic(), pair.getPrivate(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), false, domain, null);
        return new Identity(domain, pair.getPrivate(), List.of(cert));
    }

    private static KeyPair keys(String algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                g.initialize(2048, RANDOM);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a " + algorithm + " key", e);
        }
    }

    private static X509Certificate build(X500Name issuer, X500Name subject, PublicKey key, PrivateKey signer,
            Instant notBefore, Instant notAfter, boolean ca, String domain, X509Certificate issuerCert) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs()
                    .add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter), subject, key);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            if (domain != null) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, domain)));
            }
            String algorithm = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the demo certificate", e);
        }
    }

    static String pem(List<X509Certificate> chain) {
        List<String> blocks = new ArrayList<>();
        for (X509Certificate c : chain) {
            try {
                blocks.add("-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join("", blocks);
    }
}
