<?php
/**
 * Encrypts secrets at rest with a key derived from the site's salts (wp-config.php), so a database dump alone does not
 * reveal the site API key. Changing the salts makes the stored key unreadable: the site must connect again.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Vault {
	private const PREFIX = 'acv1:';

	/** The 32-byte key: HMAC of a fixed label under the site's auth and secure-auth salts. */
	private static function key(): string {
		return hash_hmac( 'sha256', 'api-credits/site-key/v1', wp_salt( 'auth' ) . wp_salt( 'secure_auth' ), true );
	}

	public static function seal( string $plain ): string {
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = sodium_crypto_secretbox( $plain, $nonce, self::key() );
		return self::PREFIX . base64_encode( $nonce . $box ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
	}

	/** The plain text, or null when the value was not sealed here or the salts have changed. */
	public static function open( string $sealed ): ?string {
		if ( ! str_starts_with( $sealed, self::PREFIX ) ) {
			return null;
		}
		$raw = base64_decode( substr( $sealed, strlen( self::PREFIX ) ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
		if ( false === $raw || strlen( $raw ) <= SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ) {
			return null;
		}
		$plain = sodium_crypto_secretbox_open(
			substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ),
			substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ),
			self::key()
		);
		return false === $plain ? null : $plain;
	}
}
